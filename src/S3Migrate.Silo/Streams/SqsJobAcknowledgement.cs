using Orleans.Runtime;
using Orleans.Streams;
using S3Migrate.Grains.Jobs;
using S3Migrate.Grains.Options;
using S3Migrate.Grains.Scheduling;
using S3Migrate.Orleans.Aws.Streaming;

namespace S3Migrate.Silo.Streams;

/// <summary>Job messages on SQS: held while their job runs on this silo, deleted at a terminal state, released when interrupted.</summary>
public sealed class SqsJobAcknowledgement(SqsMessageLeases leases) : IJobAcknowledgement
{
    public void Hold(StreamSequenceToken? token) => leases.Hold(token);

    /// <summary>Queues the delete (batched with others) and returns; a failed delete only means the job comes back and is absorbed.</summary>
    public Task AcknowledgeAsync(StreamId stream, StreamSequenceToken? token, CancellationToken cancellationToken)
    {
        _ = leases.DeleteAsync(token);
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(StreamSequenceToken? token) => leases.ReleaseAsync(token);
}

/// <summary>
/// The silo receives job messages only while its transfer scheduler has room (and is not draining): one message per
/// group's worth of free object slots, since a message may carry a group of large objects.
/// </summary>
public sealed class SchedulerReceiveGate(TransferScheduler scheduler, MigrationEngineOptions options) : ISqsReceiveGate
{
    public int MessagesWanted() =>
        scheduler.HasRoom ? (scheduler.FreeObjectSlots + options.LargeObjectsPerMessage - 1) / options.LargeObjectsPerMessage : 0;
}
