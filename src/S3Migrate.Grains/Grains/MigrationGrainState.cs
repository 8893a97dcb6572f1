using S3Migrate.Abstractions;

namespace S3Migrate.Grains.Grains;

/// <summary>A migration's durable record.</summary>
[GenerateSerializer, Alias("s3m.migrationstate")]
public sealed class MigrationGrainState
{
    [Id(0)]
    public MigrationSpec? Spec { get; set; }

    [Id(1)]
    public MigrationState State { get; set; }

    [Id(2)]
    public MigrationCounters Counters { get; set; } = new();

    [Id(3)]
    public DateTimeOffset? CreatedAt { get; set; }

    [Id(4)]
    public DateTimeOffset? StartedAt { get; set; }

    [Id(5)]
    public DateTimeOffset? FinishedAt { get; set; }

    [Id(6)]
    public string? Error { get; set; }

    [Id(7)]
    public int Round { get; set; }

    /// <summary>Diffs of the current round that have not reported yet.</summary>
    [Id(8)]
    public List<string> PendingDiffs { get; set; } = [];

    /// <summary>Jobs published by the current round's diffs.</summary>
    [Id(9)]
    public long RoundJobs { get; set; }

    /// <summary>Jobs published over the whole migration (diffs and retries); the work is done when outcomes reach it.</summary>
    [Id(10)]
    public long JobsPublished { get; set; }

    /// <summary>The most recent failures (bounded); <see cref="MigrationCounters.ObjectsFailed"/> counts them all.</summary>
    [Id(11)]
    public List<ObjectFailure> Failures { get; set; } = [];

    /// <summary>Rounds that still found work after the first (reconciliation).</summary>
    [Id(12)]
    public int ReconciliationRounds { get; set; }

    [Id(13)]
    public long LastRoundJobs { get; set; }

    /// <summary>Diffs of the current round that reported before the diff that started them named them.</summary>
    [Id(14)]
    public List<DiffSummary> EarlyDiffs { get; set; } = [];

    /// <summary>Failures of objects that had failed before (not counted again as failed objects, but settled).</summary>
    [Id(15)]
    public long RepeatedFailures { get; set; }

    /// <summary>Objects copied or deleted before the current round began.</summary>
    [Id(16)]
    public long ChangedAtRoundStart { get; set; }
}
