namespace S3Migrate.LocalS3.Faults;

/// <summary>Totals for one operation since the last reset.</summary>
public sealed record OperationStats(long Requests, long Errors, long Faults, long BytesIn, long BytesOut);
