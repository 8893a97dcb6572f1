using System.Collections.Concurrent;
using S3Migrate.Abstractions;

namespace S3Migrate.Grains.Progress;

/// <summary>
/// Counts what this silo does for each migration and hands it over in one report per second (see
/// <see cref="ProgressFlusher"/>): no per-object call or write ever reaches the migration grain. It also carries the
/// migration's state back, cancelling this silo's work for a migration that was cancelled.
/// </summary>
public sealed class ProgressAggregator
{
    /// <summary>Failures sent in one report; more wait for the next.</summary>
    public const int MaxFailuresPerReport = 500;

    private readonly ConcurrentDictionary<string, Accumulator> _migrations = new(StringComparer.Ordinal);

    public void Add(string migrationId, MigrationCounters delta) => For(migrationId).Add(delta, null);

    public void Record(ObjectOutcome outcome, DateTimeOffset at)
    {
        var job = outcome.Job;
        var delta = outcome.Kind switch
        {
            ObjectOutcomeKind.Verified => new MigrationCounters
            {
                ObjectsDone = 1,
                BytesDone = outcome.Size,
                BytesTransferred = outcome.BytesTransferred,
                PartsReused = outcome.PartsReused,
                SourceChanges = outcome.SourceChanged ? 1 : 0,
            },
            ObjectOutcomeKind.Failed => new MigrationCounters { ObjectsFailed = 1 },
            ObjectOutcomeKind.Deleted => new MigrationCounters { ObjectsDeleted = 1 },
            ObjectOutcomeKind.Skipped => new MigrationCounters { ObjectsDone = 1, BytesDone = outcome.Size },
            _ => new MigrationCounters(),
        };
        var failure = outcome.Kind == ObjectOutcomeKind.Failed
            ? new ObjectFailure(job.SourceBucket, job.SourceKey, job.DestinationBucket, job.DestinationKey, outcome.Reason ?? "failed", at)
            {
                ExpectedSize = job.ExpectedSize,
            }
            : null;
        For(job.MigrationId).Add(delta, failure);
    }

    /// <summary>The object's job is over: its ledger entry is released with the next report.</summary>
    public void Release(string migrationId, string destinationId) => For(migrationId).Release(destinationId);

    /// <summary>Work of this migration running here; while any runs, the silo keeps reporting (and hears of a cancel).</summary>
    public IDisposable Activity(string migrationId)
    {
        var accumulator = For(migrationId);
        Interlocked.Increment(ref accumulator.Active);
        return new ActivityLease(accumulator);
    }

    /// <summary>Cancelled when the migration is cancelled (learned from a report's answer).</summary>
    public CancellationToken Cancellation(string migrationId) => For(migrationId).Cancellation.Token;

    /// <summary>The reports due now: migrations with news or with work running here.</summary>
    public IReadOnlyList<Report> Drain()
    {
        var due = new List<Report>();
        foreach (var (id, accumulator) in _migrations)
        {
            var report = accumulator.Take(id);
            if (!report.Delta.IsEmpty || report.Failures.Count > 0 || report.Released.Count > 0 || Volatile.Read(ref accumulator.Active) > 0)
            {
                due.Add(report);
            }
        }

        return due;
    }

    /// <summary>Puts back a report that could not be delivered.</summary>
    public void Restore(Report report)
    {
        var accumulator = For(report.MigrationId);
        accumulator.Add(report.Delta, null);
        foreach (var failure in report.Failures)
        {
            accumulator.Add(new MigrationCounters(), failure);
        }

        foreach (var released in report.Released)
        {
            accumulator.Release(released);
        }
    }

    public void Apply(string migrationId, MigrationState state)
    {
        if (state == MigrationState.Cancelled && _migrations.TryGetValue(migrationId, out var accumulator))
        {
            accumulator.Cancellation.Cancel();
        }
    }

    /// <summary>What one migration's next report carries.</summary>
    public sealed record Report(string MigrationId, MigrationCounters Delta, IReadOnlyList<ObjectFailure> Failures, IReadOnlyList<string> Released)
    {
        /// <summary>Jobs of the migration running (or waiting for a slot) here when the report was taken.</summary>
        public int Active { get; init; }
    }

    private Accumulator For(string migrationId) => _migrations.GetOrAdd(migrationId, static _ => new Accumulator());

    private sealed class Accumulator
    {
        private readonly Lock _sync = new();
        private readonly List<ObjectFailure> _failures = [];
        private List<string> _released = [];
        private MigrationCounters _delta = new();
        public int Active;

        public CancellationTokenSource Cancellation { get; } = new();

        public void Add(MigrationCounters delta, ObjectFailure? failure)
        {
            lock (_sync)
            {
                _delta = _delta.Add(delta);
                if (failure is not null)
                {
                    _failures.Add(failure);
                }
            }
        }

        public void Release(string destinationId)
        {
            lock (_sync)
            {
                _released.Add(destinationId);
            }
        }

        public Report Take(string migrationId)
        {
            lock (_sync)
            {
                var delta = _delta;
                _delta = new MigrationCounters();
                var count = Math.Min(_failures.Count, MaxFailuresPerReport);
                var failures = _failures.GetRange(0, count);
                _failures.RemoveRange(0, count);
                var released = _released;
                _released = [];
                return new Report(migrationId, delta, failures, released) { Active = Volatile.Read(ref Active) };
            }
        }
    }

    private sealed class ActivityLease(Accumulator accumulator) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Decrement(ref accumulator.Active);
            }
        }
    }
}
