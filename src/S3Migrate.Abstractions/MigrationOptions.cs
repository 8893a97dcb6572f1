namespace S3Migrate.Abstractions;

/// <summary>What a migration does beyond copying bytes: destination attributes, selection and comparison rules.</summary>
[GenerateSerializer, Alias("s3m.options"), Immutable]
public sealed record MigrationOptions
{
    /// <summary>The destination storage class (STANDARD … DEEP_ARCHIVE); null keeps the source's.</summary>
    [Id(0)]
    public string? StorageClass { get; init; }

    /// <summary>AES256 or aws:kms at the destination; null uses the bucket's default.</summary>
    [Id(1)]
    public string? Encryption { get; init; }

    [Id(2)]
    public string? KmsKeyId { get; init; }

    /// <summary>A canned ACL such as bucket-owner-full-control.</summary>
    [Id(3)]
    public string? CannedAcl { get; init; }

    [Id(4)]
    public bool CopyTags { get; init; } = true;

    [Id(5)]
    public bool RequesterPaysSource { get; init; }

    /// <summary>A source object newer than the destination's counts as changed even with equal size and ETag.</summary>
    [Id(6)]
    public bool CompareLastModified { get; init; }

    /// <summary>Delete destination objects that no longer exist at the source.</summary>
    [Id(7)]
    public bool DeleteExtras { get; init; }

    /// <summary>Glob patterns (on the key relative to the route's source prefix) an object must match; empty means all.</summary>
    [Id(8)]
    public IReadOnlyList<string> Include { get; init; } = [];

    /// <summary>Glob patterns that exclude objects (on the relative key, or on "bucket/key").</summary>
    [Id(9)]
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Re-diff every interval until cancelled (continuous sync); null runs once.</summary>
    [Id(10)]
    public TimeSpan? ResyncInterval { get; init; }

    /// <summary>Apply ObjectRemoved events from S3 notifications by deleting at the destination.</summary>
    [Id(11)]
    public bool DeleteOnSourceRemoval { get; init; }

    /// <summary>Abort unfinished multipart uploads when the migration is cancelled (otherwise they stay for resume).</summary>
    [Id(12)]
    public bool AbortUploadsOnCancel { get; init; }
}
