namespace S3Migrate.LocalS3.Faults;

/// <summary>One request as the endpoint saw it; the journal keeps the most recent ones for tests to inspect.</summary>
public sealed record RequestRecord(
    DateTimeOffset Time,
    string Operation,
    string Method,
    string? Bucket,
    string? Key,
    int? PartNumber,
    string? UploadId,
    int Status,
    string? ErrorCode,
    long BytesIn,
    long BytesOut,
    FaultKind? Fault,
    string? AccessKeyId);
