using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;
using S3Migrate.Abstractions;
using S3Migrate.Grains.Jobs;

namespace S3Migrate.Grains.Grains;

/// <summary>
/// Receives one batch of small objects (key: batch id) and hands it to the local stateless worker in the background;
/// the batch's message is acknowledged when every object in it reached a terminal state.
/// </summary>
[ImplicitStreamSubscription(StreamNames.Batches)]
[GrainType("s3m.batch")]
[global::Orleans.Placement.PreferLocalPlacement]
public sealed partial class SmallObjectBatchGrain(IJobAcknowledgement acknowledgement, ILogger<SmallObjectBatchGrain> logger) : Grain, IGrainWithStringKey, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _worker;
    private IGrainTimer? _keepAlive;
    private StreamId _stream;
    private StreamSequenceToken? _token;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stream = this.GetStreamProvider(StreamNames.Provider).GetStream<JobBatch>(StreamId.Create(StreamNames.Batches, this.GetPrimaryKeyString()));
        await stream.SubscribeAsync(OnBatchAsync);
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

    private Task OnBatchAsync(JobBatch batch, StreamSequenceToken? token)
    {
        acknowledgement.Hold(token);
        if (_worker is { IsCompleted: false })
        {
            // The same batch again while it runs (a redelivery): the running copy covers it, and acknowledges the
            // newest delivery (a redelivered message can only be deleted through its newest receipt).
            var older = _token;
            _token = token;
            return acknowledgement.AcknowledgeAsync(_stream, older, CancellationToken.None);
        }

        _stream = StreamId.Create(StreamNames.Batches, this.GetPrimaryKeyString());
        _token = token;

        _keepAlive ??= GrainKeepAlive.Start(this);
        _worker = RunAsync(batch);
        return Task.CompletedTask;
    }

    private async Task RunAsync(JobBatch batch)
    {
        await Task.Yield();
        try
        {
            var outcomes = await GrainFactory.GetGrain<ISmallObjectWorker>(0).CopyAsync(batch, _stopping.Token);
            if (outcomes.All(static o => o.Kind != ObjectOutcomeKind.Interrupted || o.Reason == ObjectOutcome.CancelledReason))
            {
                await acknowledgement.AcknowledgeAsync(_stream, _token, CancellationToken.None);
            }
            else
            {
                await acknowledgement.ReleaseAsync(_token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or OrleansException)
        {
            LogInterrupted(logger, batch.BatchId, e.Message);
            await acknowledgement.ReleaseAsync(_token);
        }

        _keepAlive?.Dispose();
        _keepAlive = null;
        DeactivateOnIdle();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} interrupted ({Reason}); its message will come back")]
    private static partial void LogInterrupted(ILogger logger, string batchId, string reason);
}
