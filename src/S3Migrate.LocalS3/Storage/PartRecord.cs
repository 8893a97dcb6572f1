namespace S3Migrate.LocalS3.Storage;

/// <summary>One part of a completed multipart object, kept so that GET ?partNumber= and part checksums work.</summary>
public sealed record PartRecord(int PartNumber, long Size, string ETag, StoredChecksum? Checksum);
