using Orleans.Streams;

namespace S3Migrate.Orleans.Aws.Streaming;

/// <summary>
/// Orders events of one receiver (a receiver-local counter, as SQS has no order) and carries the message's receipt
/// handle to the consumer, wherever it runs, so the consumer can extend, release or delete the message itself.
/// </summary>
[GenerateSerializer, Alias("s3m.sqs-token")]
public sealed class SqsSequenceToken : StreamSequenceToken
{
    public SqsSequenceToken(long sequenceNumber, int eventIndex, string queueUrl, string messageId, string receiptHandle)
    {
        SequenceNumber = sequenceNumber;
        EventIndex = eventIndex;
        QueueUrl = queueUrl;
        MessageId = messageId;
        ReceiptHandle = receiptHandle;
    }

    [Id(0)]
    public override long SequenceNumber { get; protected set; }

    [Id(1)]
    public override int EventIndex { get; protected set; }

    [Id(2)]
    public string QueueUrl { get; private set; }

    [Id(3)]
    public string MessageId { get; private set; }

    [Id(4)]
    public string ReceiptHandle { get; private set; }

    /// <summary>When the receive returned the message (Unix milliseconds; 0 when not known), from which its visibility runs.</summary>
    [Id(5)]
    public long ReceivedAt { get; init; }

    public SqsSequenceToken ForEvent(int eventIndex) => new(SequenceNumber, eventIndex, QueueUrl, MessageId, ReceiptHandle) { ReceivedAt = ReceivedAt };

    public override bool Equals(StreamSequenceToken? other) =>
        other is SqsSequenceToken token && token.SequenceNumber == SequenceNumber && token.EventIndex == EventIndex &&
        string.Equals(token.MessageId, MessageId, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as StreamSequenceToken);

    public override int GetHashCode() => HashCode.Combine(SequenceNumber, EventIndex, MessageId);

    public override int CompareTo(StreamSequenceToken? other)
    {
        if (other is null)
        {
            return 1;
        }

        var bySequence = SequenceNumber.CompareTo(other.SequenceNumber);
        return bySequence != 0 ? bySequence : EventIndex.CompareTo(other.EventIndex);
    }

    public override string ToString() => $"[SqsSequenceToken: {SequenceNumber}/{EventIndex}, message {MessageId}]";
}
