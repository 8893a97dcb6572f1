using System.Threading.Channels;

namespace S3Migrate.Orleans.Aws.Streaming;

/// <summary>
/// Gathers single requests (sends, deletes) for a short window and hands them on in SQS batches: at most 10 entries
/// per queue and request, and at most a byte budget per request. Each caller learns its own entry's fate.
/// </summary>
internal sealed class SqsBatcher<T> : IAsyncDisposable
{
    /// <summary>SQS's limit of entries in one batch request.</summary>
    public const int MaxEntries = 10;

    /// <summary>Entries gathered by one pass before flushing, across queues.</summary>
    private const int MaxGathered = 100;

    private readonly Channel<Entry> _channel = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<string, IReadOnlyList<T>, CancellationToken, Task<IReadOnlyList<string?>>> _flush;
    private readonly Func<T, int> _size;
    private readonly int _maxBytes;
    private readonly TimeSpan _window;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    /// <param name="flush">Sends one batch to one queue; returns, per entry, null for success or the reason it failed.</param>
    /// <param name="size">An entry's bytes towards <paramref name="maxBytes"/>.</param>
    public SqsBatcher(
        TimeSpan window, Func<string, IReadOnlyList<T>, CancellationToken, Task<IReadOnlyList<string?>>> flush, Func<T, int>? size = null, int maxBytes = int.MaxValue)
    {
        _window = window;
        _flush = flush;
        _size = size ?? (static _ => 0);
        _maxBytes = maxBytes;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues the entry; the task completes when its batch went out, faulted when its entry failed.</summary>
    public Task EnqueueAsync(string queueUrl, T item)
    {
        var entry = new Entry(queueUrl, item, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_channel.Writer.TryWrite(entry))
        {
            entry.Done.SetException(new ObjectDisposedException(nameof(SqsBatcher<T>)));
        }

        return entry.Done.Task;
    }

    /// <summary>Flushes what is queued (bounded by <paramref name="timeout"/>) and stops.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        _channel.Writer.TryComplete();
        if (await Task.WhenAny(_loop, Task.Delay(timeout)) != _loop)
        {
            await _stopping.CancelAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            var gathered = new List<Entry>();
            var deadline = Task.Delay(_window);
            while (gathered.Count < MaxGathered)
            {
                if (reader.TryRead(out var entry))
                {
                    gathered.Add(entry);
                    continue;
                }

                if (reader.Completion.IsCompleted)
                {
                    break;
                }

                var more = reader.WaitToReadAsync(CancellationToken.None).AsTask();
                if (await Task.WhenAny(more, deadline) == deadline)
                {
                    break;
                }
            }

            await Task.WhenAll(Chunks(gathered).Select(FlushAsync));
        }
    }

    private IEnumerable<List<Entry>> Chunks(List<Entry> gathered) =>
        gathered.GroupBy(static e => e.QueueUrl, StringComparer.Ordinal).SelectMany(queue => SqsBatches.Split(queue, e => _size(e.Item), _maxBytes));

    private async Task FlushAsync(List<Entry> chunk)
    {
        try
        {
            var results = await _flush(chunk[0].QueueUrl, [.. chunk.Select(static e => e.Item)], _stopping.Token);
            for (var i = 0; i < chunk.Count; i++)
            {
                if (i < results.Count && results[i] is { } failure)
                {
                    chunk[i].Done.TrySetException(new SqsBatchEntryException(failure));
                }
                else
                {
                    chunk[i].Done.TrySetResult();
                }
            }
        }
        catch (Exception e)
        {
            foreach (var entry in chunk)
            {
                entry.Done.TrySetException(e);
            }
        }
    }

    private sealed record Entry(string QueueUrl, T Item, TaskCompletionSource Done);
}

/// <summary>How entries are split into SQS batch requests.</summary>
public static class SqsBatches
{
    /// <summary>
    /// Consecutive runs of <paramref name="items"/>, each at most <see cref="SqsBatcher{T}.MaxEntries"/> entries and at most
    /// <paramref name="maxBytes"/> by <paramref name="size"/> (an entry larger than that goes alone).
    /// </summary>
    public static IEnumerable<List<T>> Split<T>(IEnumerable<T> items, Func<T, int> size, int maxBytes)
    {
        var chunk = new List<T>();
        var bytes = 0;
        foreach (var item in items)
        {
            var itemBytes = size(item);
            if (chunk.Count == SqsBatcher<T>.MaxEntries || (chunk.Count > 0 && bytes + itemBytes > maxBytes))
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }

            chunk.Add(item);
            bytes += itemBytes;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }
}

/// <summary>One entry of an SQS batch request failed (the others may have succeeded).</summary>
public sealed class SqsBatchEntryException(string message) : Exception(message);
