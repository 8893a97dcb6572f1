using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using S3Migrate.Abstractions;
using S3Migrate.Grains.Jobs;
using S3Migrate.Grains.Options;
using S3Migrate.Grains.Preflight;

namespace S3Migrate.Grains.Grains;

/// <summary>
/// One migration: validates and preflights its spec, runs diff rounds, aggregates the silos' progress reports, and ends
/// — Completed only when a reconciliation diff finds nothing left to do (apart from recorded failures).
/// </summary>
[GrainType("s3m.migration")]
public sealed partial class MigrationGrain(
    [PersistentState("migration")] IPersistentState<MigrationGrainState> state,
    EndpointPreflight preflight, JobPublisher publisher, MigrationSpecCache specs, MigrationEngineOptions options, TimeProvider time,
    ILogger<MigrationGrain> logger)
    : Grain, IMigrationGrain, IRemindable
{
    /// <summary>Failures kept with their reasons; older ones are dropped from the list (still counted).</summary>
    public const int MaxFailuresKept = 10_000;

    /// <summary>Rounds after the first that may still find work before the migration ends with what it has.</summary>
    public const int MaxReconciliationRounds = 5;

    /// <summary>Throughput is reported once its samples span at least this long.</summary>
    private const double MinimumThroughputSeconds = 3;

    private const string ResyncReminder = "resync";

    /// <summary>Progress is saved at most this often (reports arrive every second from every silo).</summary>
    private static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(5);

    /// <summary>Throughput is measured over this window.</summary>
    private static readonly TimeSpan ThroughputWindow = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, IReadOnlyList<InFlightObject>> _inFlight = new(StringComparer.Ordinal);
    private readonly Queue<(long At, long Bytes)> _samples = new();
    private bool _dirty;
    private IGrainTimer? _saver;
    private long _lastActivity;

    private MigrationGrainState S => state.State;

    private string Id => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _saver = this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions { DueTime = SaveInterval, Period = SaveInterval });

        // After a move to another silo, give the silos time to report before anything counts as stalled.
        _lastActivity = time.GetTimestamp();
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
            // An object that fails again (in a reconciliation round) is still one failed object: its entry is renewed.
            var repeated = 0;
            foreach (var failure in report.Failures)
            {
                var earlier = S.Failures.FindIndex(f => f.DestinationKey == failure.DestinationKey && f.DestinationBucket == failure.DestinationBucket);
                if (earlier >= 0)
                {
                    S.Failures.RemoveAt(earlier);
                    repeated++;
                }

                S.Failures.Add(failure);
            }

            S.Counters = S.Counters with { ObjectsFailed = S.Counters.ObjectsFailed - repeated };
            S.RepeatedFailures += repeated;
            if (S.Failures.Count > MaxFailuresKept)
            {
                S.Failures.RemoveRange(0, S.Failures.Count - MaxFailuresKept);
            }
        }

        _inFlight[report.Silo] = report.InFlight;
        if (report.Active > 0 || !report.Delta.IsEmpty)
        {
            _lastActivity = time.GetTimestamp();
        }

        _samples.Enqueue((time.GetTimestamp(), BytesMoved()));
        _dirty |= !report.Delta.IsEmpty || report.Failures.Count > 0;
        return Task.FromResult(CheckCompletion());
    }

    public async Task DiffFinishedAsync(DiffSummary summary)
    {
        if (summary.Round != S.Round)
        {
            return;
        }

        if (!S.PendingDiffs.Remove(summary.DiffId))
        {
            // A child diff can finish before its parent's report (which names it) arrives: keep its summary until then.
            if (S.State == MigrationState.Diffing && S.EarlyDiffs.TrueForAll(d => d.DiffId != summary.DiffId))
            {
                S.EarlyDiffs.Add(summary with { Children = new List<string>(summary.Children) });
                await state.WriteStateAsync();
            }

            return;
        }

        _lastActivity = time.GetTimestamp();
        Accept(summary);
        if (S.PendingDiffs.Count == 0 && S.State == MigrationState.Diffing)
        {
            S.State = MigrationState.Running;
            S.LastRoundJobs = S.RoundJobs;
            S.EarlyDiffs.Clear();
            LogRoundListed(logger, Id, S.Round, S.RoundJobs);
        }

        CheckCompletion();
        await state.WriteStateAsync();
        if (S.State == MigrationState.Diffing && S.PendingDiffs.Count == 0)
        {
            await StartRoundAsync();
        }
    }

    /// <summary>Counts what a diff found and waits for its children, taking in those that already reported.</summary>
    private void Accept(DiffSummary summary)
    {
        S.RoundJobs += summary.JobsEmitted;
        S.JobsPublished += summary.JobsEmitted;

        // Objects found identical are counted from the summary, not from progress reports, so that a migration with
        // nothing to copy shows them all the moment it completes. Only a full round counts them: in a reconciliation
        // round, what was just copied is identical too.
        if (S.ReconciliationRounds == 0)
        {
            S.Counters = S.Counters.Add(new MigrationCounters { ObjectsSkipped = summary.ObjectsSame, BytesSkipped = summary.BytesSame });
        }

        if (summary.Error is not null)
        {
            S.Error = summary.Error;
        }

        foreach (var child in summary.Children)
        {
            var early = S.EarlyDiffs.FindIndex(d => d.DiffId == child);
            if (early < 0)
            {
                S.PendingDiffs.Add(child);
            }
            else
            {
                var reported = S.EarlyDiffs[early];
                S.EarlyDiffs.RemoveAt(early);
                Accept(reported);
            }
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

        if (Settled() < S.JobsPublished)
        {
            return S.State;
        }

        // A round whose every job failed changed nothing: another round would only fail them again.
        var gaveUp = S.ReconciliationRounds >= MaxReconciliationRounds;
        if (S.RoundJobs == 0 || gaveUp || Changed() == S.ChangedAtRoundStart)
        {
            S.State = S.Counters.ObjectsFailed > 0 || S.Error is not null || S.RoundJobs > 0 ? MigrationState.CompletedWithFailures : MigrationState.Completed;
            if (S.RoundJobs > 0 && gaveUp)
            {
                S.Error ??= $"{S.RoundJobs} objects still differed after {MaxReconciliationRounds} reconciliation rounds";
            }

            S.FinishedAt = time.GetUtcNow();
            _dirty = true;
            LogFinished(logger, Id, S.State, S.Counters.ObjectsDone, S.Counters.ObjectsFailed);
            ScheduleResync();

            // Saved at once rather than on the next tick: whoever waits for the end may stop the silo right after it.
            _ = SaveFinishedAsync();
            return S.State;
        }

        // The reconciliation round starts on the next turn (this may run inside a report).
        S.ReconciliationRounds++;
        S.State = MigrationState.Diffing;
        S.PendingDiffs.Clear();
        _dirty = true;
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
        _lastActivity = time.GetTimestamp();
        S.Round++;
        S.RoundJobs = 0;
        S.State = MigrationState.Diffing;
        S.FinishedAt = null;
        S.PendingDiffs = [.. S.Spec!.Routes.Select((_, i) => $"{Id}/r{i}/{S.Round}")];
        S.EarlyDiffs.Clear();
        S.ChangedAtRoundStart = Changed();
        if (S.ReconciliationRounds == 0)
        {
            // A full round says afresh what is already identical.
            S.Counters = S.Counters with { ObjectsSkipped = 0, BytesSkipped = 0 };
        }

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

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        await RecoverIfStalledAsync();
        await SaveIfDirtyAsync(cancellationToken);
    }

    /// <summary>
    /// Work lost with a silo shows up as silence: no silo reports any job of this migration, yet not every published
    /// job has an outcome (or a diff never reported back). After the stall timeout the lost jobs are written off and a
    /// reconciliation diff finds and re-queues them; unfinished diffs are resumed from their checkpoints.
    /// </summary>
    private async Task RecoverIfStalledAsync()
    {
        var timeout = TimeSpan.FromSeconds(options.StallTimeoutSeconds);
        if (S.CreatedAt is null || S.State.IsFinished() || time.GetElapsedTime(_lastActivity) < timeout)
        {
            return;
        }

        _lastActivity = time.GetTimestamp();
        if (S.State == MigrationState.Diffing)
        {
            LogResumingDiffs(logger, Id, S.PendingDiffs.Count);
            foreach (var diff in S.PendingDiffs.ToList())
            {
                await GrainFactory.GetGrain<IBucketDiffGrain>(diff).ResumeAsync();
            }

            return;
        }

        var settled = Settled();
        if (S.State != MigrationState.Running || S.PendingDiffs.Count > 0 || settled >= S.JobsPublished)
        {
            return;
        }

        LogStalled(logger, Id, S.JobsPublished - settled, options.StallTimeoutSeconds);
        S.JobsPublished = settled;
        await GrainFactory.GetGrain<IJobLedgerGrain>(Id).ClearAsync();
        if (S.ReconciliationRounds >= MaxReconciliationRounds)
        {
            CheckCompletion();
            await state.WriteStateAsync();
            return;
        }

        S.ReconciliationRounds++;
        await StartRoundAsync();
    }

    private long Settled() => S.Counters.ObjectsDone + S.Counters.ObjectsFailed + S.Counters.ObjectsDeleted + S.RepeatedFailures;

    /// <summary>Objects copied or deleted so far (a round that changed nothing needs no reconciliation round).</summary>
    private long Changed() => S.Counters.ObjectsDone + S.Counters.ObjectsDeleted;

    private async Task SaveFinishedAsync()
    {
        // On the next turn (this may run inside a report).
        await Task.Yield();
        try
        {
            await SaveIfDirtyAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The periodic save (or deactivation) tries again.
            _dirty = true;
            LogSaveFailed(logger, Id, e.Message);
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
        Counters = Consistent(S.Counters),
        CreatedAt = S.CreatedAt,
        StartedAt = S.StartedAt,
        FinishedAt = S.FinishedAt,
        Error = S.Error,
        Throughput = Throughput(),
        Round = S.Round,
        InFlight = S.State.IsFinished() ? [] : [.. _inFlight.Values.SelectMany(static v => v)],
        LastRoundJobs = S.LastRoundJobs,
    };

    /// <summary>
    /// Discoveries reported by a silo that was lost before its report arrived are re-found by the reconciliation
    /// round but never counted; what is settled was certainly discovered.
    /// </summary>
    private static MigrationCounters Consistent(MigrationCounters c) => c with
    {
        ObjectsDiscovered = Math.Max(c.ObjectsDiscovered, c.ObjectsDone + c.ObjectsFailed + c.ObjectsDeleted),
        BytesDiscovered = Math.Max(c.BytesDiscovered, c.BytesDone),
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

        // Over the first seconds the rate says little (large objects have only begun), and an ETA from it less.
        var first = _samples.Peek();
        var seconds = time.GetElapsedTime(first.At).TotalSeconds;
        return seconds < MinimumThroughputSeconds ? 0 : Math.Max(0, BytesMoved() - first.Bytes) / seconds;
    }

    /// <summary>Bytes sent so far, counting the parts of objects still in flight (so large objects show a steady rate).</summary>
    private long BytesMoved() => S.Counters.BytesTransferred + _inFlight.Values.Sum(static list => list.Sum(static o => o.BytesDone));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migration {MigrationId}: could not save its final state ({Reason}); trying again later")]
    private static partial void LogSaveFailed(ILogger logger, string migrationId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration {MigrationId} started with {Routes} routes")]
    private static partial void LogStarted(ILogger logger, string migrationId, int routes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration {MigrationId}: round {Round} listed, {Jobs} jobs published")]
    private static partial void LogRoundListed(ILogger logger, string migrationId, int round, long jobs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration {MigrationId} finished: {State}, {Done} objects done, {Failed} failed")]
    private static partial void LogFinished(ILogger logger, string migrationId, MigrationState state, long done, long failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migration {MigrationId}: {Lost} jobs showed no activity for {Seconds} s (lost with a silo?); reconciling")]
    private static partial void LogStalled(ILogger logger, string migrationId, long lost, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migration {MigrationId}: {Diffs} diffs have not reported; resuming them from their checkpoints")]
    private static partial void LogResumingDiffs(ILogger logger, string migrationId, int diffs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration {MigrationId} cancelled")]
    private static partial void LogCancelled(ILogger logger, string migrationId);
}
