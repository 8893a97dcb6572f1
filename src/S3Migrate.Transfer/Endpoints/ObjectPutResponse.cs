namespace S3Migrate.Transfer.Endpoints;

/// <summary>What S3 answered to a PutObject or UploadPart: the ETag (quoted, as sent) and the version created.</summary>
public sealed record ObjectPutResponse(string ETag, string? VersionId);
