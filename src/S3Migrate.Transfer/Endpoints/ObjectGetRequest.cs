namespace S3Migrate.Transfer.Endpoints;

/// <summary>A GetObject: the whole object or one byte range, pinned to a version and an ETag.</summary>
public sealed record ObjectGetRequest(string Bucket, string Key)
{
    public string? VersionId { get; init; }

    /// <summary>The quoted ETag the object must still have (If-Match); S3 answers 412 when it changed.</summary>
    public string? IfMatch { get; init; }

    /// <summary>The first byte and the number of bytes to read, or null for the whole object.</summary>
    public (long Offset, long Length)? Range { get; init; }

    /// <summary>The bucket is requester-pays and the request accepts the charge.</summary>
    public bool RequesterPays { get; init; }

    /// <summary>Ask for the object's additional checksum headers (x-amz-checksum-mode: ENABLED).</summary>
    public bool WithChecksum { get; init; }
}
