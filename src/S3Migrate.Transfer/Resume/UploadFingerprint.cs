namespace S3Migrate.Transfer.Resume;

/// <summary>
/// What a multipart upload was started for: the exact source version and the part layout. An upload is resumed
/// only when all of it matches the current plan; otherwise its parts could mix two versions or two layouts.
/// </summary>
public sealed record UploadFingerprint(string SourceETag, string? SourceVersionId, long Size, long PartSize, string? ChecksumAlgorithm, bool CompositeChecksum);
