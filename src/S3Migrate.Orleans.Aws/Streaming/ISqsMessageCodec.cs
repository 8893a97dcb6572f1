using Orleans.Runtime;

namespace S3Migrate.Orleans.Aws.Streaming;

/// <summary>
/// Turns stream events into SQS message bodies and received messages back into stream events. The provider knows
/// nothing about what the events mean; the application supplies the codec (its job schema, S3 event notifications).
/// </summary>
public interface ISqsMessageCodec
{
    /// <summary>
    /// The message bodies for events sent on a stream: usually one; several when they would not fit one message
    /// (each body must stay under SQS's 256 KiB).
    /// </summary>
    IReadOnlyList<string> Encode(StreamId stream, IReadOnlyList<object> events);

    /// <summary>What a received message means; exceptions count as a rejection with the exception's message.</summary>
    ValueTask<SqsDecoded> DecodeAsync(SqsReceivedMessage message, CancellationToken cancellationToken);
}

/// <summary>A message as received: its queue, id, body and how many times SQS has handed it out.</summary>
public sealed record SqsReceivedMessage(string QueueName, string MessageId, string Body, int ReceiveCount);

/// <summary>Events for one stream decoded from a message.</summary>
public sealed record SqsStreamEvents(StreamId Stream, IReadOnlyList<object> Events);

/// <summary>What the codec made of a message.</summary>
public sealed class SqsDecoded
{
    private SqsDecoded(SqsDecodedKind kind, IReadOnlyList<SqsStreamEvents> streams, string? reason)
    {
        Kind = kind;
        Streams = streams;
        Reason = reason;
    }

    public SqsDecodedKind Kind { get; }

    /// <summary>The streams and their events, for <see cref="SqsDecodedKind.Deliver"/>.</summary>
    public IReadOnlyList<SqsStreamEvents> Streams { get; }

    /// <summary>Why the message was dropped or rejected.</summary>
    public string? Reason { get; }

    /// <summary>
    /// Deliver the events. Events for one stream travel with the message, which is deleted when its consumer
    /// acknowledges it; events for several streams are re-sent one message per stream first, then the original goes.
    /// </summary>
    public static SqsDecoded Deliver(IReadOnlyList<SqsStreamEvents> streams) =>
        streams.Count == 0 ? Drop("no events") : new(SqsDecodedKind.Deliver, streams, null);

    /// <summary>Nothing to do (a test event): the message is deleted.</summary>
    public static SqsDecoded Drop(string reason) => new(SqsDecodedKind.Drop, [], reason);

    /// <summary>Undecodable or foreign: left to the queue's redrive policy (dead-letter queue) and logged once.</summary>
    public static SqsDecoded Reject(string reason) => new(SqsDecodedKind.Reject, [], reason);
}

public enum SqsDecodedKind
{
    Deliver,
    Drop,
    Reject,
}

/// <summary>How many messages this silo wants now; 0 stops receiving (its transfer scheduler is full or draining).</summary>
public interface ISqsReceiveGate
{
    int MessagesWanted();
}

/// <summary>Receives whenever asked.</summary>
public sealed class OpenReceiveGate : ISqsReceiveGate
{
    public int MessagesWanted() => 10;
}
