namespace S3Migrate.Abstractions;

/// <summary>What to do to one destination object.</summary>
public enum JobKind
{
    Copy,

    /// <summary>Delete the destination object (delete-extras mode, or ObjectRemoved events).</summary>
    Delete,
}

/// <summary>
/// One object for the job streams: where it comes from (pinned to the listed ETag/size, when known) and where it goes.
/// Also the documented JSON job message other systems may enqueue (see docs/job-messages.md).
/// </summary>
[GenerateSerializer, Alias("s3m.job"), Immutable]
public sealed record ObjectJob
{
    [Id(0)]
    public required string MigrationId { get; init; }

    [Id(1)]
    public required string SourceBucket { get; init; }

    [Id(2)]
    public required string SourceKey { get; init; }

    [Id(3)]
    public required string DestinationBucket { get; init; }

    [Id(4)]
    public required string DestinationKey { get; init; }

    [Id(5)]
    public JobKind Kind { get; init; }

    [Id(6)]
    public string? SourceVersionId { get; init; }

    [Id(7)]
    public string? ExpectedETag { get; init; }

    /// <summary>Size from the listing; -1 when unknown (events without size, manifests).</summary>
    [Id(8)]
    public long ExpectedSize { get; init; } = -1;

    /// <summary>S3's per-key event sequencer, so an older event never undoes a newer one.</summary>
    [Id(9)]
    public string? Sequencer { get; init; }

    /// <summary>The diff round that emitted the job.</summary>
    [Id(10)]
    public int Round { get; init; }

    /// <summary>The destination object, as the job grain and the stream key name it: "bucket/key".</summary>
    public string DestinationId => DestinationBucket + "/" + DestinationKey;
}
