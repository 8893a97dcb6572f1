namespace S3Migrate.Transfer.Copy;

/// <summary>
/// One object to copy. <see cref="ExpectedETag"/> and <see cref="ExpectedSize"/> (from a listing) pin the first read;
/// when the source has moved on since, the copy takes the new version and says so.
/// </summary>
public sealed record CopyRequest(string SourceBucket, string SourceKey, string DestinationBucket, string DestinationKey)
{
    public string? SourceVersionId { get; init; }

    public string? ExpectedETag { get; init; }

    public long? ExpectedSize { get; init; }

    public CopyOptions Options { get; init; } = new();

    public override string ToString() => $"s3://{SourceBucket}/{SourceKey} → s3://{DestinationBucket}/{DestinationKey}";
}
