using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using S3Migrate.Abstractions;
using S3Migrate.Grains.Jobs;
using S3Migrate.Grains.Preflight;

namespace S3Migrate.Grains.Grains;

/// <summary>
/// One migration: validates and preflights its spec, runs diff rounds, aggregates the silos' progress reports, and ends
/// — Completed only when a reconciliation diff finds nothing left to do (apart from recorded failures).
/// </summary>
[GrainType("s3m.migration")]
public sealed partial class MigrationGrain(
    [PersistentState("migration")] IPersistentState<MigrationGrainState> state,
    EndpointPreflight preflight, JobPublisher publisher, MigrationSpecCache specs, TimeProvider time, ILogger<MigrationGrain> logger)
    : Grain, IMigrationGrain, IRemindable
{
    /// <summary>Failures kept with their reasons; older ones are dropped from the list (still counted).</summary>
    public const int MaxFailuresKept = 10_000;

    /// <summary>Rounds after the first that may still find work before the migration ends with what it has.</summary>
    public const int MaxReconciliationRounds = 5;

    private const string ResyncReminder = "resync";

    /// <summary>Progress is saved at most this often (reports arrive every second from every silo).</summary>
    private static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(10);

    /// <summary>Throughput is measured over this window.</summary>
    private static readonly TimeSpan ThroughputWindow = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, IReadOnlyList<InFlightObject>> _inFlight = new(StringComparer.Ordinal);
    private readonly Queue<(long At, long Bytes)> _samples = new();
    private bool _dirty;
    private IGrainTimer? _saver;

    private MigrationGrainState S => state.State;

    private string Id => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _saver = this.RegisterGrainTimer(SaveIfDirtyAsync, new GrainTimerCreationOptions { DueTime = SaveInterval, Period = SaveInterval });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _saver?.Dispose();
        await SaveIfDirtyAsync(cancellationToken);
    }

    public async Task<MigrationStatus> StartAsync(MigrationSpec spec, CancellationToken cancellationToken = default)
    {
        if (S.CreatedAt is not null)
        {
            return S.Spec == spec ? Status() : throw new MigrationRejectedException($"migration '{Id}' already exists with a different spec");
        }

        var problems = SpecValidator.Validate(spec);
        if (problems.Count == 0)
        {
            problems = await preflight.CheckAsync(spec, cancellationToken);
        }

        if (problems.Count > 0)
        {
            throw new MigrationRejectedException(string.Join(Environment.NewLine, problems));
        }

        var now = time.GetUtcNow();
        S.Spec = spec;
        S.CreatedAt = now;
        S.StartedAt = now;
        S.State = MigrationState.Diffing;
        specs.Put(Id, spec);
        await GrainFactory.GetGrain<IMigrationDirectoryGrain>(0).AddAsync(Id, now);
        LogStarted(logger, Id, spec.Routes.Count);
        await StartRoundAsync();
        return Status();
    }

    public Task<MigrationStatus> GetStatusAsync() => Task.FromResult(Status());

    public Task<FailurePage> GetFailuresAsync(int offset, int count)
    {
        var page = S.Failures.Skip(Math.Max(0, offset)).Take(Math.Clamp(count, 0, 1000)).ToList();
        return Task.FromResult(new FailurePage(page, S.Counters.ObjectsFailed, offset));
    }

    public async Task<MigrationStatus> CancelAsync()
    {
        if (S.CreatedAt is null || S.State.IsFinished())
        {
            return Status();
        }

        S.State = MigrationState.Cancelled;
        S.FinishedAt = time.GetUtcNow();
        foreach (var diff in S.PendingDiffs)
        {
            await GrainFactory.GetGrain<IBucketDiffGrain>(diff).CancelAsync();
        }

        S.PendingDiffs.Clear();
        await GrainFactory.GetGrain<IJobLedgerGrain>(Id).ClearAsync();
        await StopResyncAsync();
        await state.WriteStateAsync();
        LogCancelled(logger, Id);
        return Status();
    }

    public async Task<MigrationStatus> RetryFailedAsync()
    {
        if (S.CreatedAt is null || S.Failures.Count == 0 || S.State == MigrationState.Cancelled)
        {
            return Status();
        }

        var failures = S.Failures;
        var batch = new JobPublisher.Batch(Id, new MigrationRoute(string.Empty, string.Empty, string.Empty, string.Empty), S.Round);
        foreach (var failure in failures)
        {
            batch.Add(new ObjectJob
            {
                MigrationId = Id,
                SourceBucket = failure.SourceBucket,
                SourceKey = failure.SourceKey,
                DestinationBucket = failure.DestinationBucket,
                DestinationKey = failure.DestinationKey,
                ExpectedSize = failure.ExpectedSize,
                Round = S.Round,
            });
        }

        S.Failures = [];
        S.Counters = S.Counters with { ObjectsFailed = Math.Max(0, S.Counters.ObjectsFailed - failures.Count) };
        S.State = MigrationState.Running;
        S.FinishedAt = null;
        var published = await publisher.PublishAsync(batch, CancellationToken.None);

        // The published jobs were counted as discovered by the publisher; they were discovered before, so undo that.
        S.Counters = S.Counters with { ObjectsDiscovered = S.Counters.ObjectsDiscovered - published };
        S.JobsPublished += published;
        await state.WriteStateAsync();
        return Status();
    }

    public async Task<MigrationStatus> VerifyAsync()
    {
        if (S.CreatedAt is null || S.State is MigrationState.Diffing or MigrationState.Cancelled)
        {
            return Status();
        }

        S.ReconciliationRounds = 0;
        await StartRoundAsync();
        return Status();
    }

    public Task<MigrationState> ReportProgressAsync(ProgressReport report)
    {
        if (S.CreatedAt is null)
        {
            return Task.FromResult(MigrationState.Cancelled);
        }

        S.Counters = S.Counters.Add(report.Delta);
        if (report.Failures.Count > 0)
        {
            S.Failures.AddRange(report.Failures);
            if (S.Failures.Count > MaxFailuresKept)
            {
                S.Failures.RemoveRange(0, S.Failures.Count - MaxFailuresKept);
            }
        }

        _inFlight[report.Silo] = report.InFlight;
        _samples.Enqueue((time.GetTimestamp(), BytesMoved()));
        _dirty = true;
        return Task.FromResult(CheckCompletion());
    }

    public async Task DiffFinishedAsync(DiffSummary summary)
    {
        if (summary.Round != S.Round || !S.PendingDiffs.Remove(summary.DiffId))
        {
            return;
        }

        S.PendingDiffs.AddRange(summary.Children);
        S.RoundJobs += summary.JobsEmitted;
        S.JobsPublished += summary.JobsEmitted;
        if (summary.Error is not null)
        {
            S.Error = summary.Error;
        }

        if (S.PendingDiffs.Count == 0 && S.State == MigrationState.Diffing)
        {
            S.State = MigrationState.Running;
            S.LastRoundJobs = S.RoundJobs;
            LogRoundListed(logger, Id, S.Round, S.RoundJobs);
        }

        CheckCompletion();
        await state.WriteStateAsync();
        if (S.State == MigrationState.Diffing && S.PendingDiffs.Count == 0)
        {
            await StartRoundAsync();
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ResyncReminder && S.State is MigrationState.Completed or MigrationState.CompletedWithFailures)
        {
            S.ReconciliationRounds = 0;
            await StartRoundAsync();
        }
    }

    /// <summary>
    /// When the round's diffs are done and every published job has an outcome: finish if the round found nothing, or
    /// start a reconciliation round (objects lost with a silo, or changed meanwhile, show up there).
    /// </summary>
    private MigrationState CheckCompletion()
    {
        if (S.State != MigrationState.Running || S.PendingDiffs.Count > 0)
        {
            return S.State;
        }

        var settled = S.Counters.ObjectsDone + S.Counters.ObjectsFailed + S.Counters.ObjectsDeleted;
        if (settled < S.JobsPublished)
        {
            return S.State;
        }

        if (S.RoundJobs == 0 || S.ReconciliationRounds >= MaxReconciliationRounds)
        {
            S.State = S.Counters.ObjectsFailed > 0 || S.Error is not null || S.RoundJobs > 0 ? MigrationState.CompletedWithFailures : MigrationState.Completed;
            if (S.RoundJobs > 0)
            {
                S.Error ??= $"{S.RoundJobs} objects still differed after {MaxReconciliationRounds} reconciliation rounds";
            }

            S.FinishedAt = time.GetUtcNow();
            _dirty = true;
            LogFinished(logger, Id, S.State, S.Counters.ObjectsDone, S.Counters.ObjectsFailed);
            ScheduleResync();
            return S.State;
        }

        // The reconciliation round starts on the next turn (this may run inside a report).
        S.ReconciliationRounds++;
        S.State = MigrationState.Diffing;
        S.PendingDiffs.Clear();
        _ = StartRoundLaterAsync();
        return S.State;
    }

    private async Task StartRoundLaterAsync()
    {
        await Task.Yield();
        await StartRoundAsync();
    }

    private async Task StartRoundAsync()
    {
        S.Round++;
        S.RoundJobs = 0;
        S.State = MigrationState.Diffing;
        S.FinishedAt = null;
        S.PendingDiffs = [.. S.Spec!.Routes.Select((_, i) => $"{Id}/r{i}/{S.Round}")];
        await state.WriteStateAsync();
        for (var i = 0; i < S.Spec.Routes.Count; i++)
        {
            await GrainFactory.GetGrain<IBucketDiffGrain>(S.PendingDiffs[i]).StartAsync(new DiffAssignment
            {
                MigrationId = Id,
                RouteIndex = i,
                Spec = S.Spec,
                Round = S.Round,
            });
        }
    }

    private void ScheduleResync()
    {
        if (S.Spec?.Options.ResyncInterval is { } interval)
        {
            _ = this.RegisterOrUpdateReminder(ResyncReminder, interval, interval);
        }
    }

    private async Task StopResyncAsync()
    {
        if (await this.GetReminder(ResyncReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task SaveIfDirtyAsync(CancellationToken cancellationToken)
    {
        if (_dirty && S.CreatedAt is not null)
        {
            _dirty = false;
            await state.WriteStateAsync(cancellationToken);
        }
    }

    private MigrationStatus Status() => new()
    {
        Id = Id,
        State = S.State,
        Spec = S.Spec,
        Counters = S.Counters,
        CreatedAt = S.CreatedAt,
        StartedAt = S.StartedAt,
        FinishedAt = S.FinishedAt,
        Error = S.Error,
        Throughput = Throughput(),
        Round = S.Round,
        InFlight = S.State.IsFinished() ? [] : [.. _inFlight.Values.SelectMany(static v => v)],
        LastRoundJobs = S.LastRoundJobs,
    };

    private double Throughput()
    {
        while (_samples.Count > 0 && time.GetElapsedTime(_samples.Peek().At) > ThroughputWindow)
        {
            _samples.Dequeue();
        }

        if (_samples.Count < 2 || S.State.IsFinished())
        {
            return 0;
        }

        var first = _samples.Peek();
        var seconds = time.GetElapsedTime(first.At).TotalSeconds;
        return seconds <= 0 ? 0 : Math.Max(0, BytesMoved() - first.Bytes) / seconds;
    }

    /// <summary>Bytes sent so far, counting the parts of objects still in flight (so large objects show a steady rate).</summary>
    private long BytesMoved() => S.Counters.BytesTransferred + _inFlight.Values.Sum(static list => list.Sum(static o => o.BytesDone));

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration {MigrationId} started with {Routes} routes")]
    private static partial void LogStarted(ILogger logger, string migrationId, int routes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration {MigrationId}: round {Round} listed, {Jobs} jobs published")]
    private static partial void LogRoundListed(ILogger logger, string migrationId, int round, long jobs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration {MigrationId} finished: {State}, {Done} objects done, {Failed} failed")]
    private static partial void LogFinished(ILogger logger, string migrationId, MigrationState state, long done, long failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration {MigrationId} cancelled")]
    private static partial void LogCancelled(ILogger logger, string migrationId);
}
