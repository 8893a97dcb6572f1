using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace S3Migrate.Transfer.Listing;

/// <summary>
/// Lists ordered, disjoint key ranges (see <see cref="PrefixDiscovery"/>) concurrently and yields one stream in
/// global UTF-8 key order. The ranges are consumed one after the other while the next few fill bounded buffers, so
/// memory is bounded by <see cref="ParallelListingOptions.MaxConcurrentRanges"/> ×
/// (<see cref="ParallelListingOptions.ReadAheadPerRange"/> + one page), however many keys there are.
/// </summary>
public sealed class ParallelLister : IObjectLister
{
    private readonly IObjectLister _lister;
    private readonly ParallelListingOptions _options;

    public ParallelLister(IObjectLister lister, ParallelListingOptions? options = null)
    {
        _lister = lister;
        _options = options ?? new ParallelListingOptions();
        if (_options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }
    }

    /// <summary>One range, read ahead of the consumer (the S3 requests overlap with the consumer's work).</summary>
    public IAsyncEnumerable<ListedObject> ListAsync(string bucket, string prefix, string? startAfter, CancellationToken cancellationToken = default) =>
        ListAsync(bucket, [new KeyRange(prefix, startAfter)], cancellationToken);

    /// <summary>The keys of <paramref name="ranges"/>, which must be in order and disjoint (<see cref="KeyRange.Precedes"/>).</summary>
    public async IAsyncEnumerable<ListedObject> ListAsync(
        string bucket, IReadOnlyList<KeyRange> ranges, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 1; i < ranges.Count; i++)
        {
            if (!ranges[i - 1].Precedes(ranges[i]))
            {
                throw new ArgumentException($"Ranges must be in key order and disjoint: {ranges[i]} does not follow {ranges[i - 1]}.", nameof(ranges));
            }
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = new Queue<(ChannelReader<ListedObject> Reader, Task Producer)>();
        var next = 0;
        try
        {
            while (true)
            {
                while (running.Count < _options.MaxConcurrentRanges && next < ranges.Count)
                {
                    running.Enqueue(Start(bucket, ranges[next++], stop.Token));
                }

                if (!running.TryPeek(out var current))
                {
                    yield break;
                }

                while (await current.Reader.WaitToReadAsync(cancellationToken))
                {
                    while (current.Reader.TryRead(out var listed))
                    {
                        yield return listed;
                    }
                }

                // A range that failed part-way has yielded what it had, in order; its error ends the stream here.
                await current.Producer;
                running.Dequeue();
            }
        }
        finally
        {
            await stop.CancelAsync();
            // Producers still running are stopped and waited for; their errors go with the stream they were feeding.
            foreach (var (_, producer) in running)
            {
                await Task.WhenAny(producer);
                _ = producer.Exception;
            }
        }
    }

    private (ChannelReader<ListedObject>, Task) Start(string bucket, KeyRange range, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<ListedObject>(new BoundedChannelOptions(_options.ReadAheadPerRange)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var producer = Task.Run(() => ProduceAsync(bucket, range, channel.Writer, cancellationToken), CancellationToken.None);
        return (channel.Reader, producer);
    }

    private async Task ProduceAsync(string bucket, KeyRange range, ChannelWriter<ListedObject> writer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var listed in _lister.ListAsync(bucket, range.Prefix, range.After, cancellationToken))
            {
                if (range.IsPast(listed.Key))
                {
                    break;
                }

                await writer.WriteAsync(listed, cancellationToken);
            }
        }
        finally
        {
            writer.TryComplete();
        }
    }
}
