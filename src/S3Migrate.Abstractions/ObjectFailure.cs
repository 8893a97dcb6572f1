namespace S3Migrate.Abstractions;

/// <summary>An object that could not be copied, and why.</summary>
[GenerateSerializer, Alias("s3m.failure"), Immutable]
public sealed record ObjectFailure(
    [property: Id(0)] string SourceBucket,
    [property: Id(1)] string SourceKey,
    [property: Id(2)] string DestinationBucket,
    [property: Id(3)] string DestinationKey,
    [property: Id(4)] string Reason,
    [property: Id(5)] DateTimeOffset At)
{
    /// <summary>The job to run again for retry-failed.</summary>
    [Id(6)]
    public long ExpectedSize { get; init; } = -1;
}
