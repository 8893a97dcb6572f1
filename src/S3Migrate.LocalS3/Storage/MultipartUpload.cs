namespace S3Migrate.LocalS3.Storage;

/// <summary>An unfinished multipart upload and the parts received so far.</summary>
public sealed class MultipartUpload
{
    public required string Key { get; init; }

    /// <summary>Sorts by creation: listing orders uploads of one key by initiation time.</summary>
    public required string UploadId { get; init; }

    public required DateTimeOffset Initiated { get; init; }

    public ObjectAttributes Attributes { get; init; } = new();

    public Checksums.ChecksumAlgorithm? ChecksumAlgorithm { get; init; }

    public string? ChecksumType { get; init; }

    /// <summary>Parts by number. Guarded by the bucket's lock.</summary>
    public SortedDictionary<int, UploadedPart> Parts { get; } = [];
}

/// <summary>A part received for an upload.</summary>
public sealed record UploadedPart(int PartNumber, long Size, string ETag, StoredChecksum? Checksum, DateTimeOffset LastModified, Blob Blob);
