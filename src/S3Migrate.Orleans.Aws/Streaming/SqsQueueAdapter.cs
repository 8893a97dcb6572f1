using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace S3Migrate.Orleans.Aws.Streaming;

/// <summary>
/// The SQS persistent stream provider: stream events go to SQS as messages the application's codec writes; every
/// silo's pulling agents receive from the same queues (competing consumers) while the silo's gate allows; a received
/// message is NOT deleted on delivery — its consumer deletes it through <see cref="SqsMessageLeases"/> when its work
/// reached a terminal state, and keeps it invisible meanwhile.
/// </summary>
public sealed class SqsQueueAdapterFactory : IQueueAdapterFactory, IQueueAdapter
{
    private readonly SqsStreamOptions _options;
    private readonly ISqsMessageCodec _codec;
    private readonly ISqsReceiveGate _gate;
    private readonly SqsMessageLeases _leases;
    private readonly ILoggerFactory _loggerFactory;
    private readonly HashRingBasedStreamQueueMapper _mapper;
    private readonly SimpleQueueAdapterCache _cache;
    private readonly string[] _receiveQueues;

    public SqsQueueAdapterFactory(
        string name, SqsStreamOptions options, ISqsMessageCodec codec, ISqsReceiveGate gate, SqsMessageLeases leases, ILoggerFactory loggerFactory)
    {
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new global::Orleans.Runtime.OrleansConfigurationException($"stream provider '{name}': " + string.Join("; ", problems));
        }

        Name = name;
        _options = options;
        _codec = codec;
        _gate = gate;
        _leases = leases;
        _loggerFactory = loggerFactory;
        _receiveQueues = [.. options.QueueNames, .. options.ReceiveOnlyQueueNames];
        _mapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = Math.Max(options.PartitionCount, _receiveQueues.Length) }, name);
        _cache = new SimpleQueueAdapterCache(new SimpleQueueCacheOptions(), name, loggerFactory);
    }

    public string Name { get; }

    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    /// <summary>For <c>AddPersistentStreams</c>: the provider's options, codec, gate and leases from the container.</summary>
    public static SqsQueueAdapterFactory Create(IServiceProvider services, string name) => new(
        name,
        services.GetRequiredService<IOptionsMonitor<SqsStreamOptions>>().Get(name),
        services.GetRequiredKeyedService<ISqsMessageCodec>(name),
        services.GetKeyedService<ISqsReceiveGate>(name) ?? new OpenReceiveGate(),
        services.GetRequiredKeyedService<SqsMessageLeases>(name),
        services.GetRequiredService<ILoggerFactory>());

    [Obsolete("Orleans calls the overload with a cancellation token.")]
    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(this);

    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) => Task.FromResult<IQueueAdapter>(this);

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new SqsDeliveryFailureHandler(_leases, _options, _loggerFactory.CreateLogger<SqsDeliveryFailureHandler>()));

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => new SqsQueueReceiver(
        _receiveQueues[(int)(queueId.GetNumericId() % (uint)_receiveQueues.Length)], _options, _codec, _gate, _leases, SendQueueFor,
        _loggerFactory.CreateLogger<SqsQueueReceiver>());

    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException("SQS streams cannot be rewound: events are sent without a sequence token", nameof(token));
        }

        var bodies = _codec.Encode(streamId, [.. events.Cast<object>()]);
        await _leases.SendAsync(SendQueueFor(streamId), bodies, CancellationToken.None);
    }

    /// <summary>The physical queue a stream's events are sent to.</summary>
    private string SendQueueFor(StreamId streamId) =>
        _options.QueueNames[(int)(_mapper.GetQueueForStream(streamId).GetNumericId() % (uint)_options.QueueNames.Count)];
}
