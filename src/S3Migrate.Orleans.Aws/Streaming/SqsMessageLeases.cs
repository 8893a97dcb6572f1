using System.Collections.Concurrent;
using System.Text;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace S3Migrate.Orleans.Aws.Streaming;

/// <summary>
/// The messages of one SQS stream provider on this silo: sends (batched), and the received messages consumers hold.
/// A held message is kept invisible by a heartbeat until its consumer deletes it (the job reached a terminal state)
/// or releases it (the job was interrupted and should run again, here or on another silo). If the silo dies, the
/// heartbeat stops and the message reappears after the visibility timeout.
/// </summary>
public sealed partial class SqsMessageLeases : IAsyncDisposable
{
    /// <summary>SQS's limit on a message, and on the bodies of one SendMessageBatch together.</summary>
    public const int MaxMessageBytes = 256 * 1024;

    private readonly SqsStreamOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, HeldMessage> _held = new(StringComparer.Ordinal);
    private readonly SqsBatcher<string> _sends;
    private readonly SqsBatcher<string> _deletes;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _heartbeat;

    public SqsMessageLeases(SqsStreamOptions options, SqsQueues queues, ILogger<SqsMessageLeases> logger)
    {
        _options = options;
        Queues = queues;
        _logger = logger;
        _sends = new SqsBatcher<string>(options.SendBatchWindow, SendBatchAsync, static body => Encoding.UTF8.GetByteCount(body), MaxMessageBytes);
        _deletes = new SqsBatcher<string>(options.DeleteBatchWindow, DeleteBatchAsync);
        _heartbeat = Task.Run(HeartbeatAsync);
    }

    public SqsQueues Queues { get; }

    /// <summary>Messages held by consumers on this silo.</summary>
    public int Held => _held.Count;

    /// <summary>Sends message bodies to a queue, several to a SendMessageBatch.</summary>
    public async Task SendAsync(string queueName, IReadOnlyList<string> bodies, CancellationToken cancellationToken)
    {
        var url = await Queues.UrlAsync(queueName, cancellationToken);
        foreach (var body in bodies)
        {
            if (Encoding.UTF8.GetByteCount(body) > MaxMessageBytes)
            {
                throw new ArgumentException($"a message for SQS queue '{queueName}' is larger than SQS's {MaxMessageBytes / 1024} KiB", nameof(bodies));
            }
        }

        await Task.WhenAll(bodies.Select(body => _sends.EnqueueAsync(url, body)));
    }

    /// <summary>A consumer took charge of the message: keep it invisible until it is deleted or released.</summary>
    public bool Hold(StreamSequenceToken? token)
    {
        if (token is not SqsSequenceToken message)
        {
            return false;
        }

        // Visible again a visibility timeout after the receive (when the token does not say, half a period before that).
        var receivedAt = message.ReceivedAt > 0 ? message.ReceivedAt : Now() - Milliseconds(_options.EffectiveHeartbeatPeriod / 2);
        _held.GetOrAdd(message.ReceiptHandle, static (_, state) => new HeldMessage(state.Message, state.VisibleUntil),
            (Message: message, VisibleUntil: receivedAt + Milliseconds(_options.VisibilityTimeout)));
        return true;
    }

    /// <summary>The message's work is done: stop extending it and delete it (batched with others).</summary>
    public Task DeleteAsync(StreamSequenceToken? token)
    {
        if (token is not SqsSequenceToken message)
        {
            return Task.CompletedTask;
        }

        _held.TryRemove(message.ReceiptHandle, out _);
        return DeleteAsync(message.QueueUrl, message.ReceiptHandle);
    }

    /// <summary>The message's work was interrupted: stop extending it and let it come back soon, here or elsewhere.</summary>
    public async Task ReleaseAsync(StreamSequenceToken? token)
    {
        if (token is not SqsSequenceToken message)
        {
            return;
        }

        _held.TryRemove(message.ReceiptHandle, out _);
        await ChangeVisibilityAsync(message.QueueUrl, message.ReceiptHandle, _options.ReleasedVisibility);
    }

    /// <summary>Stops extending the messages and lets SQS redeliver them when their visibility runs out.</summary>
    public void Forget(StreamSequenceToken? token)
    {
        if (token is SqsSequenceToken message)
        {
            _held.TryRemove(message.ReceiptHandle, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_sends.StopAsync(TimeSpan.FromSeconds(5)), _deletes.StopAsync(TimeSpan.FromSeconds(5)));
        await _heartbeat.ContinueWith(static _ => { }, TaskScheduler.Default);
        await _sends.DisposeAsync();
        await _deletes.DisposeAsync();
        _stopping.Dispose();
    }

    internal async Task DeleteAsync(string queueUrl, string receiptHandle)
    {
        try
        {
            await _deletes.EnqueueAsync(queueUrl, receiptHandle);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The message comes back after its visibility timeout; the consumer absorbs a repeat.
            LogDeleteFailed(_logger, queueUrl, e.Message);
        }
    }

    /// <summary>Makes received messages nobody took visible again at once, in one batch (one by one if the batch is refused).</summary>
    internal async Task LetGoAsync(string queueUrl, IReadOnlyList<string> receiptHandles)
    {
        try
        {
            await Queues.Client.ChangeMessageVisibilityBatchAsync(new ChangeMessageVisibilityBatchRequest
            {
                QueueUrl = queueUrl,
                Entries = [.. receiptHandles.Select((handle, i) => new ChangeMessageVisibilityBatchRequestEntry(Id(i), handle) { VisibilityTimeout = 0 })],
            }, _stopping.Token);
        }
        catch (AmazonSQSException)
        {
            foreach (var handle in receiptHandles)
            {
                await ChangeVisibilityAsync(queueUrl, handle, TimeSpan.Zero);
            }
        }
    }

    internal async Task ChangeVisibilityAsync(string queueUrl, string receiptHandle, TimeSpan visibility)
    {
        try
        {
            await Queues.Client.ChangeMessageVisibilityAsync(new ChangeMessageVisibilityRequest
            {
                QueueUrl = queueUrl,
                ReceiptHandle = receiptHandle,
                VisibilityTimeout = (int)visibility.TotalSeconds,
            }, _stopping.Token);
        }
        catch (Exception e) when (e is AmazonSQSException or OperationCanceledException or HttpRequestException)
        {
            LogVisibilityFailed(_logger, queueUrl, e.Message);
        }
    }

    private async Task<IReadOnlyList<string?>> SendBatchAsync(string queueUrl, IReadOnlyList<string> bodies, CancellationToken cancellationToken)
    {
        var response = await Queues.Client.SendMessageBatchAsync(new SendMessageBatchRequest
        {
            QueueUrl = queueUrl,
            Entries = [.. bodies.Select(static (body, i) => new SendMessageBatchRequestEntry(Id(i), body))],
        }, cancellationToken);
        return Failures(bodies.Count, response.Failed);
    }

    private async Task<IReadOnlyList<string?>> DeleteBatchAsync(string queueUrl, IReadOnlyList<string> handles, CancellationToken cancellationToken)
    {
        var response = await Queues.Client.DeleteMessageBatchAsync(new DeleteMessageBatchRequest
        {
            QueueUrl = queueUrl,
            Entries = [.. handles.Select(static (handle, i) => new DeleteMessageBatchRequestEntry(Id(i), handle))],
        }, cancellationToken);
        return Failures(handles.Count, response.Failed);
    }

    /// <summary>
    /// Each period, extends the held messages of a queue when one of them would otherwise run out within two periods;
    /// a message extended at one tick therefore usually needs nothing at the next, which halves the requests.
    /// </summary>
    private async Task HeartbeatAsync()
    {
        var period = _options.EffectiveHeartbeatPeriod;
        using var timer = new PeriodicTimer(period);
        while (await WaitTickAsync(timer))
        {
            var now = Now();
            foreach (var queue in _held.Values.GroupBy(static m => m.Token.QueueUrl, StringComparer.Ordinal))
            {
                if (queue.All(m => m.VisibleUntil >= now + Milliseconds(2 * period)))
                {
                    continue;
                }

                foreach (var chunk in queue.Chunk(SqsBatcher<string>.MaxEntries))
                {
                    try
                    {
                        await ExtendAsync(queue.Key, chunk, now);
                    }
                    catch (Exception e) when (!_stopping.IsCancellationRequested)
                    {
                        // Whatever went wrong, the heartbeat goes on: a message not extended comes back to the queue.
                        LogVisibilityFailed(_logger, queue.Key, e.Message);
                    }
                }
            }
        }
    }

    private async Task<bool> WaitTickAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Extends the messages' visibility; a message's deadline moves only once SQS accepted the extension, so one that
    /// failed for any other reason (the network) is tried again at the next tick.
    /// </summary>
    private async Task ExtendAsync(string queueUrl, HeldMessage[] held, long now)
    {
        var seconds = (int)_options.VisibilityTimeout.TotalSeconds;
        var visibleUntil = now + Milliseconds(_options.VisibilityTimeout);
        try
        {
            var response = await Queues.Client.ChangeMessageVisibilityBatchAsync(new ChangeMessageVisibilityBatchRequest
            {
                QueueUrl = queueUrl,
                Entries = [.. held.Select((m, i) => new ChangeMessageVisibilityBatchRequestEntry(Id(i), m.Token.ReceiptHandle) { VisibilityTimeout = seconds })],
            }, _stopping.Token);
            foreach (var message in held)
            {
                message.VisibleUntil = visibleUntil;
            }

            foreach (var failed in response.Failed ?? [])
            {
                if (int.TryParse(failed.Id, out var index) && index < held.Length)
                {
                    Drop(held[index].Token, failed.Code ?? failed.Message ?? "unknown");
                }
            }
        }
        catch (AmazonSQSException) when (held.Length > 1)
        {
            // The whole batch refused (one stale receipt can do it on some servers): one by one, so the others live on.
            foreach (var message in held)
            {
                try
                {
                    await Queues.Client.ChangeMessageVisibilityAsync(
                        new ChangeMessageVisibilityRequest { QueueUrl = queueUrl, ReceiptHandle = message.Token.ReceiptHandle, VisibilityTimeout = seconds }, _stopping.Token);
                    message.VisibleUntil = visibleUntil;
                }
                catch (AmazonSQSException e)
                {
                    Drop(message.Token, e.ErrorCode ?? e.Message);
                }
            }
        }
        catch (AmazonSQSException e)
        {
            Drop(held[0].Token, e.ErrorCode ?? e.Message);
        }
    }

    /// <summary>Deleted meanwhile, or the receipt expired (the message was handed out again): nothing left to extend.</summary>
    private void Drop(SqsSequenceToken message, string reason)
    {
        _held.TryRemove(message.ReceiptHandle, out _);
        LogExtendFailed(_logger, message.MessageId, reason);
    }

    private static long Milliseconds(TimeSpan time) => (long)time.TotalMilliseconds;

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static string Id(int index) => index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string?[] Failures(int count, List<BatchResultErrorEntry>? failed)
    {
        var results = new string?[count];
        foreach (var entry in failed ?? [])
        {
            if (int.TryParse(entry.Id, out var index) && index < count)
            {
                results[index] = $"{entry.Code}: {entry.Message}";
            }
        }

        return results;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete a message from SQS queue {QueueUrl} ({Reason}); it will be delivered again")]
    private static partial void LogDeleteFailed(ILogger logger, string queueUrl, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not change message visibility in SQS queue {QueueUrl}: {Reason}")]
    private static partial void LogVisibilityFailed(ILogger logger, string queueUrl, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped extending SQS message {MessageId}: {Reason}")]
    private static partial void LogExtendFailed(ILogger logger, string messageId, string reason);

    /// <summary>A held message and when (Unix milliseconds) it would become visible again without a heartbeat.</summary>
    private sealed class HeldMessage(SqsSequenceToken token, long visibleUntil)
    {
        public SqsSequenceToken Token { get; } = token;

        public long VisibleUntil { get; set; } = visibleUntil;
    }
}
