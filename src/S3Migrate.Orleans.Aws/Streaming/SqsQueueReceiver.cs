using System.Globalization;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace S3Migrate.Orleans.Aws.Streaming;

/// <summary>
/// One pulling agent's receiver: long-polls its physical queue while the silo's gate allows (one agent of a silo at a
/// time per physical queue), decodes each message with the application's codec, and never deletes on delivery (the
/// consumer does, at a terminal state).
/// </summary>
internal sealed partial class SqsQueueReceiver(
    string queueName, SqsStreamOptions options, ISqsMessageCodec codec, ISqsReceiveGate gate, SqsMessageLeases leases,
    Func<StreamId, string> sendQueueFor, ILogger<SqsQueueReceiver> logger) : IQueueAdapterReceiver, IDisposable
{
    /// <summary>Rejected message ids already logged (bounded), so a poison message is logged once, not on every receive.</summary>
    private const int RememberedRejections = 10_000;

    private static long s_sequence;

    private readonly CancellationTokenSource _shutdown = new();
    private readonly HashSet<string> _rejected = new(StringComparer.Ordinal);
    private readonly Queue<string> _rejectedOrder = new();
    private volatile bool _closed;

    [Obsolete("Orleans calls the overload with a cancellation token.")]
    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    public async Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            await leases.Queues.UrlAsync(queueName, bounded.Token);
        }
        catch (Exception e) when (e is AmazonSQSException or InvalidOperationException or OperationCanceledException or HttpRequestException)
        {
            // The agent keeps polling; the lookup is tried again on each receive.
            LogUnavailable(logger, queueName, e.Message);
        }
    }

    [Obsolete("Orleans calls the overload with a cancellation token.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var wanted = Math.Min(gate.MessagesWanted(), maxCount < 0 ? SqsBatcher<string>.MaxEntries : maxCount);
        if (_closed || wanted <= 0 || !leases.Queues.TryBeginReceive(queueName))
        {
            return [];
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        Task<ReceiveMessageResponse> receive;
        string url;
        try
        {
            url = await leases.Queues.UrlAsync(queueName, linked.Token);

            // The long poll itself is never cancelled: SQS may already have made messages invisible for it, and a
            // cancelled request would hide them for a whole visibility timeout. A poll the agent stops waiting for
            // (shutdown, a queue moving to another silo) finishes on its own and lets its messages go at once.
            receive = leases.Queues.Client.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = url,
                MaxNumberOfMessages = Math.Min(wanted, SqsBatcher<string>.MaxEntries),
                WaitTimeSeconds = (int)options.ReceiveWaitTime.TotalSeconds,
                VisibilityTimeout = (int)options.VisibilityTimeout.TotalSeconds,
                MessageSystemAttributeNames = ["ApproximateReceiveCount"],
            }, CancellationToken.None);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            leases.Queues.EndReceive(queueName);
            return [];
        }
        catch
        {
            leases.Queues.EndReceive(queueName);
            throw;
        }

        _ = receive.ContinueWith(_ => leases.Queues.EndReceive(queueName), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        ReceiveMessageResponse response;
        try
        {
            response = await receive.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            _ = LetGoAsync(url, receive);
            return [];
        }

        if (_closed)
        {
            await LetGoAsync(url, receive);
            return [];
        }

        // SQS started the messages' visibility timeout when it answered; a second is allowed for the way back.
        var receivedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1000;
        var containers = new List<IBatchContainer>();
        foreach (var message in response.Messages ?? [])
        {
            await ReceivedAsync(url, message, receivedAt, containers, linked.Token);
        }

        return containers;
    }

    [Obsolete("Orleans calls the overload with a cancellation token.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

    /// <summary>Nothing to do: delivered is not done. The consumer deletes the message at a terminal state.</summary>
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) => Task.CompletedTask;

    [Obsolete("Orleans calls the overload with a cancellation token.")]
    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    public async Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _closed = true;
        await _shutdown.CancelAsync();
    }

    public void Dispose() => _shutdown.Dispose();

    private async Task ReceivedAsync(string url, Message message, long receivedAt, List<IBatchContainer> containers, CancellationToken cancellationToken)
    {
        var receiveCount = message.Attributes is { } attributes && attributes.TryGetValue("ApproximateReceiveCount", out var count) &&
            int.TryParse(count, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 1;
        SqsDecoded decoded;
        try
        {
            decoded = await codec.DecodeAsync(new SqsReceivedMessage(queueName, message.MessageId, message.Body ?? string.Empty, receiveCount), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Not the message's fault (the codec could not look something up): it comes back later, unjudged.
            LogDecodeFailed(logger, message.MessageId, queueName, options.DeliveryRetryDelay.TotalSeconds, e.Message);
            await leases.ChangeVisibilityAsync(url, message.ReceiptHandle, options.DeliveryRetryDelay);
            return;
        }

        switch (decoded.Kind)
        {
            case SqsDecodedKind.Deliver when decoded.Streams.Count == 1:
                var token = new SqsSequenceToken(Interlocked.Increment(ref s_sequence), 0, url, message.MessageId, message.ReceiptHandle)
                {
                    ReceivedAt = receivedAt,
                };
                containers.Add(new SqsBatchContainer(decoded.Streams[0].Stream, decoded.Streams[0].Events, token));
                break;
            case SqsDecodedKind.Deliver:
                await FanOutAsync(url, message, decoded.Streams, cancellationToken);
                break;
            case SqsDecodedKind.Drop:
                LogDropped(logger, message.MessageId, queueName, decoded.Reason ?? string.Empty);
                _ = leases.DeleteAsync(url, message.ReceiptHandle);
                break;
            default:
                if (Remember(message.MessageId))
                {
                    LogRejected(logger, message.MessageId, queueName, receiveCount, decoded.Reason ?? string.Empty);
                }

                await leases.ChangeVisibilityAsync(url, message.ReceiptHandle, options.RejectedVisibility);
                break;
        }
    }

    /// <summary>
    /// A message with events for several streams (an S3 notification with several records) is split: one message per
    /// stream is sent first, then the original is deleted — so each part is acknowledged on its own.
    /// </summary>
    private async Task FanOutAsync(string url, Message message, IReadOnlyList<SqsStreamEvents> streams, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(streams.Select(s => leases.SendAsync(sendQueueFor(s.Stream), codec.Encode(s.Stream, s.Events), cancellationToken)));
            await leases.DeleteAsync(url, message.ReceiptHandle);
            LogSplit(logger, message.MessageId, streams.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The original comes back after its visibility timeout and is split again; consumers absorb repeats.
            LogSplitFailed(logger, message.MessageId, e.Message);
        }
    }

    /// <summary>Makes the messages of a receive nobody takes visible again at once.</summary>
    private async Task LetGoAsync(string url, Task<ReceiveMessageResponse> receive)
    {
        try
        {
            var response = await receive;
            if (response.Messages is { Count: > 0 } messages)
            {
                await leases.LetGoAsync(url, [.. messages.Select(static m => m.ReceiptHandle)]);
                LogLetGo(logger, messages.Count, queueName);
            }
        }
        catch (Exception e) when (e is AmazonSQSException or HttpRequestException or OperationCanceledException or ObjectDisposedException)
        {
            LogUnavailable(logger, queueName, e.Message);
        }
    }

    private bool Remember(string messageId)
    {
        lock (_rejected)
        {
            if (!_rejected.Add(messageId))
            {
                return false;
            }

            _rejectedOrder.Enqueue(messageId);
            if (_rejectedOrder.Count > RememberedRejections)
            {
                _rejected.Remove(_rejectedOrder.Dequeue());
            }

            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQS queue {QueueName} is not available yet: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string queueName, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Let {Count} SQS messages from {QueueName} go: their receive ended after the agent stopped")]
    private static partial void LogLetGo(ILogger logger, int count, string queueName);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped SQS message {MessageId} from {QueueName}: {Reason}")]
    private static partial void LogDropped(ILogger logger, string messageId, string queueName, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected SQS message {MessageId} from {QueueName} (received {ReceiveCount} times; left to the dead-letter queue): {Reason}")]
    private static partial void LogRejected(ILogger logger, string messageId, string queueName, int receiveCount, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not decode SQS message {MessageId} from {QueueName} now; it comes back in {Seconds} s: {Reason}")]
    private static partial void LogDecodeFailed(ILogger logger, string messageId, string queueName, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Split SQS message {MessageId} into {Count} messages, one per stream")]
    private static partial void LogSplit(ILogger logger, string messageId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not split SQS message {MessageId}: {Reason}; it will be delivered again")]
    private static partial void LogSplitFailed(ILogger logger, string messageId, string reason);
}
