namespace S3Migrate.Abstractions;

/// <summary>A migration as status, watch and list show it.</summary>
[GenerateSerializer, Alias("s3m.status"), Immutable]
public sealed record MigrationStatus
{
    [Id(0)]
    public required string Id { get; init; }

    [Id(1)]
    public MigrationState State { get; init; }

    [Id(2)]
    public MigrationSpec? Spec { get; init; }

    [Id(3)]
    public MigrationCounters Counters { get; init; } = new();

    [Id(4)]
    public DateTimeOffset? CreatedAt { get; init; }

    [Id(5)]
    public DateTimeOffset? StartedAt { get; init; }

    [Id(6)]
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Why the migration failed or was rejected (one line).</summary>
    [Id(7)]
    public string? Error { get; init; }

    /// <summary>Bytes per second over the last few seconds.</summary>
    [Id(8)]
    public double Throughput { get; init; }

    /// <summary>Diff rounds so far: the first, then reconciliation rounds (and resyncs).</summary>
    [Id(9)]
    public int Round { get; init; }

    /// <summary>Large objects in flight across the cluster (from the latest silo reports).</summary>
    [Id(10)]
    public IReadOnlyList<InFlightObject> InFlight { get; init; } = [];

    /// <summary>Jobs the latest diff round found (0 for a round that found source and destination equal).</summary>
    [Id(11)]
    public long LastRoundJobs { get; init; }

    public bool Exists => CreatedAt is not null;
}
