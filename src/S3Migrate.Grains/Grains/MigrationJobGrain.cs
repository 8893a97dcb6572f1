using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;
using S3Migrate.Abstractions;
using S3Migrate.Grains.Jobs;

namespace S3Migrate.Grains.Grains;

/// <summary>
/// One destination object, activated by its jobs. The copy runs in the background (off the grain's turns, on the
/// silo's scheduler) so the grain keeps answering; the same job arriving twice is absorbed; a newer job waits for the
/// running one. The job's message is acknowledged only once the object reached a terminal state.
/// </summary>
[ImplicitStreamSubscription(StreamNames.ObjectJobs)]
[GrainType("s3m.objectjob")]
[global::Orleans.Placement.PreferLocalPlacement]
public sealed partial class MigrationJobGrain(
    ObjectJobRunner runner, IJobAcknowledgement acknowledgement, ILogger<MigrationJobGrain> logger) : Grain, IMigrationJobGrain, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Delivery? _current;
    private Delivery? _next;
    private Task? _worker;
    private IGrainTimer? _keepAlive;
    private ObjectStatus _status = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _status = new ObjectStatus(this.GetPrimaryKeyString(), ObjectState.Idle, null, null);
        var stream = this.GetStreamProvider(StreamNames.Provider)
            .GetStream<ObjectJob>(StreamId.Create(StreamNames.ObjectJobs, this.GetPrimaryKeyString()));
        await stream.SubscribeAsync(OnJobAsync);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _keepAlive?.Dispose();
        await _stopping.CancelAsync();
        if (_worker is not null)
        {
            await Task.WhenAny(_worker, Task.Delay(Timeout.Infinite, cancellationToken));
        }
    }

    public void Dispose() => _stopping.Dispose();

    public Task<ObjectStatus> GetStatusAsync()
    {
        var status = _status;
        return Task.FromResult(status);
    }

    public async Task CancelAsync() => await _stopping.CancelAsync();

    public Task OfferAsync(ObjectJob job, string groupId) =>
        ReceiveAsync(new Delivery(job, StreamId.Create(StreamNames.ObjectJobs, this.GetPrimaryKeyString()), null, groupId));

    private Task OnJobAsync(ObjectJob job, StreamSequenceToken? token)
    {
        acknowledgement.Hold(token);
        return ReceiveAsync(new Delivery(job, StreamId.Create(StreamNames.ObjectJobs, this.GetPrimaryKeyString()), token, null));
    }

    private async Task ReceiveAsync(Delivery delivery)
    {
        var job = delivery.Job;
        if (_current is not null)
        {
            if (SameJob(_current.Job, job) || (_next is not null && SameJob(_next.Job, job)))
            {
                // A duplicate (redelivery, re-diff, repeated event): the running copy covers it. The newest delivery is
                // kept (a redelivered message can only be deleted through its newest receipt), the older one let go.
                LogDuplicate(logger, job.MigrationId, job.DestinationId);
                var older = SameJob(_current.Job, job) ? _current : _next!;
                if (ReferenceEquals(older, _current))
                {
                    _current = delivery;
                }
                else
                {
                    _next = delivery;
                }

                await AcknowledgeAsync(older);
                return;
            }

            if (IsOlder(job, _current.Job))
            {
                LogOlderEvent(logger, job.MigrationId, job.DestinationId, job.Sequencer!);
                await AcknowledgeAsync(delivery);
                return;
            }

            var superseded = _next;
            _next = delivery;
            if (superseded is not null)
            {
                await AcknowledgeAsync(superseded);
            }

            return;
        }

        if (job.Sequencer is { } sequencer && !await GrainFactory.GetGrain<IEventSequencerGrain>(job.DestinationId).TryApplyAsync(sequencer))
        {
            // An event older than one already applied to this key (S3 does not deliver in order).
            LogOlderEvent(logger, job.MigrationId, job.DestinationId, sequencer);
            await AcknowledgeAsync(delivery);
            return;
        }

        Start(delivery);
    }

    /// <summary>The delivery's job is done (or covered by another): its message may go, or its group hears so.</summary>
    private Task AcknowledgeAsync(Delivery delivery) => delivery.Group is { } group
        ? GrainFactory.GetGrain<IObjectJobGroupGrain>(group).CompletedAsync(this.GetPrimaryKeyString(), interrupted: false)
        : acknowledgement.AcknowledgeAsync(delivery.Stream, delivery.Token, CancellationToken.None);

    /// <summary>The delivery's job was interrupted: its message comes back (through its group, if it came in one).</summary>
    private Task ReleaseAsync(Delivery delivery) => delivery.Group is { } group
        ? GrainFactory.GetGrain<IObjectJobGroupGrain>(group).CompletedAsync(this.GetPrimaryKeyString(), interrupted: true)
        : acknowledgement.ReleaseAsync(delivery.Token);

    private void Start(Delivery delivery)
    {
        _current = delivery;
        _status = _status with { State = ObjectState.Running, Job = delivery.Job, Reason = null, Attempts = _status.Attempts + 1 };
        _keepAlive ??= GrainKeepAlive.Start(this);
        _worker = RunAsync(delivery);
    }

    private async Task RunAsync(Delivery delivery)
    {
        // Return to the caller first; the copy then runs on the thread pool, its continuations back on the grain.
        await Task.Yield();
        var token = _stopping.Token;
        ObjectOutcome outcome;
        try
        {
            outcome = await Task.Run(() => runner.RunAsync(delivery.Job, token), CancellationToken.None);
        }
        catch (Exception e)
        {
            LogUnexpected(logger, delivery.Job.MigrationId, delivery.Job.DestinationId, e);
            outcome = new ObjectOutcome(delivery.Job, ObjectOutcomeKind.Interrupted, e.Message);
        }

        _status = _status with
        {
            State = outcome.Kind switch
            {
                ObjectOutcomeKind.Verified => ObjectState.Verified,
                ObjectOutcomeKind.Failed => ObjectState.Failed,
                ObjectOutcomeKind.Deleted => ObjectState.Deleted,
                ObjectOutcomeKind.Skipped => ObjectState.Skipped,
                _ => ObjectState.Idle,
            },
            Reason = outcome.Reason,
            Size = outcome.Size,
            BytesDone = outcome.Size,
        };

        // Interrupted work keeps its message: it comes back (to this or another silo) and resumes. A duplicate that
        // arrived meanwhile may have replaced the delivery: the newest one is acknowledged.
        var finished = _current ?? delivery;
        if (outcome.Kind != ObjectOutcomeKind.Interrupted || outcome.Reason == ObjectOutcome.CancelledReason)
        {
            await AcknowledgeAsync(finished);
        }
        else
        {
            await ReleaseAsync(finished);
        }

        _current = null;
        if (_next is { } next)
        {
            _next = null;
            if (!token.IsCancellationRequested)
            {
                Start(next);
                return;
            }

            await ReleaseAsync(next);
        }

        _keepAlive?.Dispose();
        _keepAlive = null;
        DelayDeactivation(TimeSpan.FromSeconds(30));
    }

    private static bool SameJob(ObjectJob a, ObjectJob b) =>
        a.Kind == b.Kind && a.SourceBucket == b.SourceBucket && a.SourceKey == b.SourceKey && a.ExpectedETag == b.ExpectedETag &&
        a.SourceVersionId == b.SourceVersionId && a.MigrationId == b.MigrationId;

    /// <summary>Events carry S3's per-key sequencer: an older event never undoes a newer one.</summary>
    private static bool IsOlder(ObjectJob candidate, ObjectJob running) =>
        candidate.Sequencer is { } a && running.Sequencer is { } b && Sequencers.Compare(a, b) < 0;

    /// <summary>A job as it arrived: from the stream (with its message's token) or handed over by a group.</summary>
    private sealed record Delivery(ObjectJob Job, StreamId Stream, StreamSequenceToken? Token, string? Group);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Migration {MigrationId}: {DestinationId} is already being copied; duplicate job absorbed")]
    private static partial void LogDuplicate(ILogger logger, string migrationId, string destinationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration {MigrationId}: {DestinationId}: ignored an event older than one already applied (sequencer {Sequencer})")]
    private static partial void LogOlderEvent(ILogger logger, string migrationId, string destinationId, string sequencer);

    [LoggerMessage(Level = LogLevel.Error, Message = "Migration {MigrationId}: {DestinationId}: unexpected error")]
    private static partial void LogUnexpected(ILogger logger, string migrationId, string destinationId, Exception exception);
}
