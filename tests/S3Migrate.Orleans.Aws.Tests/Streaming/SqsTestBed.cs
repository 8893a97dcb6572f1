using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Streams;
using S3Migrate.Orleans.Aws.Streaming;
using S3Migrate.Testing;

namespace S3Migrate.Orleans.Aws.Tests.Streaming;

/// <summary>
/// One SQS stream provider against fauxqs, with its requests counted by operation as they leave the SDK, and a plain
/// codec: "key|value" is one event on stream ("test", key); "drop", "reject…" and "split:a,b" do what they say.
/// </summary>
internal sealed class SqsTestBed : IAsyncDisposable
{
    private readonly StandIns _standIns;

    private SqsTestBed(StandIns standIns, SqsStreamOptions options, ISqsReceiveGate gate)
    {
        _standIns = standIns;
        Options = options;
        Raw = standIns.CreateSqsClient();
        Queues = new SqsQueues(options, standIns.CreateSqsClient(c => c.HttpClientFactory = new CountingHttpClientFactory(Requests)));
        Leases = new SqsMessageLeases(options, Queues, NullLogger<SqsMessageLeases>.Instance);
        Factory = new SqsQueueAdapterFactory("test", options, Codec, gate, Leases, NullLoggerFactory.Instance);
    }

    public SqsStreamOptions Options { get; }

    public TestCodec Codec { get; } = new();

    /// <summary>Requests the provider made, by operation ("SendMessageBatch", "ReceiveMessage", …).</summary>
    public ConcurrentDictionary<string, int> Requests { get; } = new(StringComparer.Ordinal);

    public AmazonSQSClient Raw { get; }

    public SqsQueues Queues { get; }

    public SqsMessageLeases Leases { get; }

    public SqsQueueAdapterFactory Factory { get; }

    public string QueueName => Options.QueueNames[0];

    public static SqsTestBed Create(StandIns standIns, Action<SqsStreamOptions>? configure = null, ISqsReceiveGate? gate = null)
    {
        var options = new SqsStreamOptions
        {
            QueueNames = [UniqueName.For("s3m-stream")],
            ServiceUrl = standIns.SqsServiceUrl,
            Region = StandIns.Region,
            CreateQueues = true,
            PartitionCount = 1,
            VisibilityTimeout = TimeSpan.FromSeconds(30),
            ReceiveWaitTime = TimeSpan.FromSeconds(1),
            SendBatchWindow = TimeSpan.FromMilliseconds(50),
            DeleteBatchWindow = TimeSpan.FromMilliseconds(100),
        };
        configure?.Invoke(options);
        return new SqsTestBed(standIns, options, gate ?? new OpenReceiveGate());
    }

    public int Count(string operation) => Requests.GetValueOrDefault(operation);

    public async Task<IQueueAdapterReceiver> ReceiverAsync()
    {
        var receiver = Factory.CreateReceiver(Factory.GetStreamQueueMapper().GetAllQueues().First());
        await receiver.Initialize(TimeSpan.FromSeconds(5), CancellationToken.None);
        return receiver;
    }

    /// <summary>Receives until <paramref name="count"/> batches arrived or <paramref name="timeout"/> passed.</summary>
    public static async Task<List<SqsBatchContainer>> ReceiveAsync(IQueueAdapterReceiver receiver, int count, TimeSpan timeout)
    {
        var received = new List<SqsBatchContainer>();
        var deadline = DateTime.UtcNow + timeout;
        while (received.Count < count && DateTime.UtcNow < deadline)
        {
            received.AddRange((await receiver.GetQueueMessagesAsync(10, CancellationToken.None)).Cast<SqsBatchContainer>());
        }

        return received;
    }

    /// <summary>Messages in the queue: (visible, in flight).</summary>
    public async Task<(int Visible, int InFlight)> DepthAsync(string? queueName = null) =>
        await Raw.DepthAsync(await Queues.UrlAsync(queueName ?? QueueName, CancellationToken.None));

    /// <summary>Polls until the queue holds no message at all (bounded).</summary>
    public async Task<(int Visible, int InFlight)> WaitEmptyAsync(TimeSpan timeout, string? queueName = null) =>
        await Raw.WaitDepthAsync(await Queues.UrlAsync(queueName ?? QueueName, CancellationToken.None), static d => d == (0, 0), timeout);

    public async ValueTask DisposeAsync()
    {
        await Leases.DisposeAsync();
        Queues.Dispose();
        Raw.Dispose();
        await Task.CompletedTask;
    }

    /// <summary>The codec of these tests.</summary>
    internal sealed class TestCodec : ISqsMessageCodec
    {
        public ConcurrentQueue<SqsReceivedMessage> Decoded { get; } = new();

        public static StreamId Stream(string key) => StreamId.Create("test", key);

        public IReadOnlyList<string> Encode(StreamId stream, IReadOnlyList<object> events) =>
            [.. events.Select(e => $"{stream.GetKeyAsString()}|{e}")];

        public ValueTask<SqsDecoded> DecodeAsync(SqsReceivedMessage message, CancellationToken cancellationToken)
        {
            Decoded.Enqueue(message);
            var body = message.Body;
            return ValueTask.FromResult(body switch
            {
                "drop" => SqsDecoded.Drop("a test event"),
                _ when body.StartsWith("reject", StringComparison.Ordinal) => SqsDecoded.Reject("not a test message"),
                _ when body.StartsWith("split:", StringComparison.Ordinal) => SqsDecoded.Deliver(
                    [.. body["split:".Length..].Split(',').Select(static k => new SqsStreamEvents(Stream(k), [k + "-part"]))]),
                _ => SqsDecoded.Deliver([new SqsStreamEvents(Stream(body[..body.IndexOf('|', StringComparison.Ordinal)]), [body[(body.IndexOf('|', StringComparison.Ordinal) + 1)..]])]),
            });
        }
    }

    /// <summary>Counts SQS requests by operation (the JSON protocol names it in X-Amz-Target).</summary>
    private sealed class CountingHttpClientFactory(ConcurrentDictionary<string, int> requests) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(new CountingHandler(requests) { InnerHandler = new SocketsHttpHandler() });

        private sealed class CountingHandler(ConcurrentDictionary<string, int> requests) : DelegatingHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.First() : "unknown";
                requests.AddOrUpdate(target[(target.LastIndexOf('.') + 1)..], 1, static (_, n) => n + 1);
                return base.SendAsync(request, cancellationToken);
            }
        }
    }
}

/// <summary>A gate that stays shut.</summary>
internal sealed class ClosedGate : ISqsReceiveGate
{
    public int MessagesWanted() => 0;
}
