namespace S3Migrate.Transfer.Listing;

/// <summary>One object as a listing (or a HEAD) shows it.</summary>
/// <param name="Key">The exact key: decoded, never normalised.</param>
/// <param name="Size">Bytes.</param>
/// <param name="ETag">The ETag without quotes: an MD5 in hex, "md5-N" for multipart uploads, or opaque (SSE-KMS, SSE-C).</param>
/// <param name="LastModified">When the object was written, when the server said.</param>
/// <param name="StorageClass">STANDARD, GLACIER…; null when the server left it out.</param>
/// <param name="ChecksumAlgorithm">The additional checksum the object carries (CRC32, CRC64NVME…), when listed.</param>
public sealed record ListedObject(
    string Key, long Size, string ETag, DateTimeOffset? LastModified, string? StorageClass, string? ChecksumAlgorithm = null);
