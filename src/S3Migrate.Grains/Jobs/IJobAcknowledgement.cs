using Orleans.Runtime;
using Orleans.Streams;

namespace S3Migrate.Grains.Jobs;

/// <summary>
/// How a job's consumer tells the stream provider what became of the job's message. The SQS provider keeps a held
/// message invisible (heartbeat), deletes it when acknowledged (not on delivery) and lets it come back when released;
/// memory streams need none of it.
/// </summary>
public interface IJobAcknowledgement
{
    /// <summary>The consumer took charge of the message: keep it until it is acknowledged or released.</summary>
    void Hold(StreamSequenceToken? token);

    /// <summary>The job reached a terminal state (or is covered by another): the message may go.</summary>
    Task AcknowledgeAsync(StreamId stream, StreamSequenceToken? token, CancellationToken cancellationToken);

    /// <summary>The job was interrupted (its silo is stopping): let the message come back, here or on another silo.</summary>
    Task ReleaseAsync(StreamSequenceToken? token);
}

/// <summary>For stream providers that forget a message once delivered (memory streams).</summary>
public sealed class NoJobAcknowledgement : IJobAcknowledgement
{
    public void Hold(StreamSequenceToken? token)
    {
    }

    public Task AcknowledgeAsync(StreamId stream, StreamSequenceToken? token, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ReleaseAsync(StreamSequenceToken? token) => Task.CompletedTask;
}
