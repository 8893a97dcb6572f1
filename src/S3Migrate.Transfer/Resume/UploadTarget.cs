namespace S3Migrate.Transfer.Resume;

/// <summary>A destination object on a given S3 service (see <c>S3EndpointOptions.ServiceIdentity</c>).</summary>
public sealed record UploadTarget(string Service, string Bucket, string Key);

/// <summary>An upload the engine started, with the fingerprint of the plan it belongs to.</summary>
public sealed record UploadRecord(UploadTarget Target, string UploadId, UploadFingerprint Fingerprint, DateTimeOffset Created);
