using Orleans.Runtime;
using Orleans.Streams;

namespace S3Migrate.Grains.Jobs;

/// <summary>
/// How a job's consumer tells the stream provider that the job reached a terminal state, so its message may go.
/// The SQS provider deletes the message then (not on delivery); memory streams need nothing.
/// </summary>
public interface IJobAcknowledgement
{
    Task AcknowledgeAsync(StreamId stream, StreamSequenceToken? token, CancellationToken cancellationToken);
}

/// <summary>For stream providers that forget a message once delivered (memory streams).</summary>
public sealed class NoJobAcknowledgement : IJobAcknowledgement
{
    public Task AcknowledgeAsync(StreamId stream, StreamSequenceToken? token, CancellationToken cancellationToken) => Task.CompletedTask;
}
