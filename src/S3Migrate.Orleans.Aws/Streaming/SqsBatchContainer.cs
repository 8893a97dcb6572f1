using Orleans.Runtime;
using Orleans.Streams;

namespace S3Migrate.Orleans.Aws.Streaming;

/// <summary>The events of one stream from one received message.</summary>
[GenerateSerializer, Alias("s3m.sqs-batch")]
public sealed class SqsBatchContainer : IBatchContainer
{
    public SqsBatchContainer(StreamId streamId, IReadOnlyList<object> events, SqsSequenceToken token)
    {
        StreamId = streamId;
        Events = events;
        Token = token;
    }

    [Id(0)]
    public StreamId StreamId { get; private set; }

    [Id(1)]
    public IReadOnlyList<object> Events { get; private set; }

    [Id(2)]
    public SqsSequenceToken Token { get; private set; }

    public StreamSequenceToken SequenceToken => Token;

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        for (var i = 0; i < Events.Count; i++)
        {
            if (Events[i] is T item)
            {
                yield return Tuple.Create(item, (StreamSequenceToken)Token.ForEvent(i));
            }
        }
    }

    public bool ImportRequestContext() => false;

    public override string ToString() => $"[SqsBatchContainer: {StreamId}, {Events.Count} events, {Token}]";
}
