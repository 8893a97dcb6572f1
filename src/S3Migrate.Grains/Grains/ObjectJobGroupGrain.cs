using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;
using S3Migrate.Abstractions;
using S3Migrate.Grains.Jobs;

namespace S3Migrate.Grains.Grains;

/// <summary>
/// One message's group of large objects (key: group id). Each job goes to its own object's grain (placed on this silo
/// unless it is already active elsewhere), which reports back when the object reached a terminal state; the message
/// is acknowledged when all have, and released for another try if any was interrupted.
/// </summary>
[ImplicitStreamSubscription(StreamNames.ObjectGroups)]
[GrainType("s3m.objectgroup")]
[global::Orleans.Placement.PreferLocalPlacement]
public sealed partial class ObjectJobGroupGrain(IJobAcknowledgement acknowledgement, ILogger<ObjectJobGroupGrain> logger) : Grain, IObjectJobGroupGrain
{
    private readonly Dictionary<string, int> _pending = new(StringComparer.Ordinal);
    private IGrainTimer? _keepAlive;
    private StreamId _stream;
    private StreamSequenceToken? _token;
    private bool _interrupted;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stream = StreamId.Create(StreamNames.ObjectGroups, this.GetPrimaryKeyString());
        await this.GetStreamProvider(StreamNames.Provider).GetStream<JobBatch>(_stream).SubscribeAsync(OnGroupAsync);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _keepAlive?.Dispose();
        if (_pending.Count > 0)
        {
            // Jobs still out (the silo is stopping): the message comes back and the objects resume where they are.
            LogInterrupted(logger, _stream, _pending.Count, reason);
            _pending.Clear();
            await acknowledgement.ReleaseAsync(_token);
        }
    }

    public async Task CompletedAsync(string destinationId, bool interrupted)
    {
        if (!_pending.TryGetValue(destinationId, out var count))
        {
            return;
        }

        if (count > 1)
        {
            _pending[destinationId] = count - 1;
        }
        else
        {
            _pending.Remove(destinationId);
        }

        _interrupted |= interrupted;
        if (_pending.Count > 0)
        {
            return;
        }

        _keepAlive?.Dispose();
        _keepAlive = null;
        if (_interrupted)
        {
            await acknowledgement.ReleaseAsync(_token);
        }
        else
        {
            await acknowledgement.AcknowledgeAsync(_stream, _token, CancellationToken.None);
        }

        DeactivateOnIdle();
    }

    private async Task OnGroupAsync(JobBatch group, StreamSequenceToken? token)
    {
        acknowledgement.Hold(token);
        if (_pending.Count > 0)
        {
            // The same group again while its jobs run (a redelivery): they cover it, and the newest delivery is the one
            // acknowledged (a redelivered message can only be deleted through its newest receipt).
            var older = _token;
            _token = token;
            await acknowledgement.AcknowledgeAsync(_stream, older, CancellationToken.None);
            return;
        }

        _token = token;
        _interrupted = false;
        foreach (var job in group.Jobs)
        {
            _pending[job.DestinationId] = _pending.GetValueOrDefault(job.DestinationId) + 1;
        }

        if (_pending.Count == 0)
        {
            await acknowledgement.AcknowledgeAsync(_stream, _token, CancellationToken.None);
            return;
        }

        _keepAlive ??= GrainKeepAlive.Start(this);

        LogStarted(logger, _stream, group.Jobs.Count);

        // Handing a job over only starts it (or queues it behind its object's running job); completion comes back
        // through CompletedAsync, which interleaves with this.
        var key = this.GetPrimaryKeyString();
        await Task.WhenAll(group.Jobs.Select(async job =>
        {
            try
            {
                await GrainFactory.GetGrain<IMigrationJobGrain>(job.DestinationId).OfferAsync(job, key);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // Its grain could not take it (its silo is going away): the message comes back once the others are done.
                LogNotHandedOver(logger, key, job.DestinationId, e.Message);
                await CompletedAsync(job.DestinationId, interrupted: true);
            }
        }));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Object group {GroupId}: handing {Count} objects to their grains")]
    private static partial void LogStarted(ILogger logger, StreamId groupId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Object group {GroupId}: {DestinationId} could not be handed to its grain ({Reason})")]
    private static partial void LogNotHandedOver(ILogger logger, string groupId, string destinationId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Object group {GroupId} stopped with {Pending} objects unfinished ({Reason}); its message will come back")]
    private static partial void LogInterrupted(ILogger logger, StreamId groupId, int pending, DeactivationReason reason);
}
