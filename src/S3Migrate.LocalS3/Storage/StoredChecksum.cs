using S3Migrate.LocalS3.Checksums;

namespace S3Migrate.LocalS3.Storage;

/// <summary>An additional checksum stored with an object or part. <see cref="Type"/> is FULL_OBJECT or COMPOSITE.</summary>
public sealed record StoredChecksum(ChecksumAlgorithm Algorithm, string Value, string Type)
{
    public const string FullObject = "FULL_OBJECT";
    public const string Composite = "COMPOSITE";
}
