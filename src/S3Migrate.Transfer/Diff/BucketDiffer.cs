using System.Runtime.CompilerServices;
using S3Migrate.Transfer.Listing;

namespace S3Migrate.Transfer.Diff;

/// <summary>
/// Compares a source listing with a destination listing by merging them — both in UTF-8 key order, as S3 lists —
/// on the key relative to each side's prefix (<see cref="DiffOptions.Mapping"/>). Holds one object per side, so
/// memory does not grow with the number of objects; time is linear in the two listings. A listing out of order
/// stops the diff with <see cref="ListingOrderException"/> rather than producing a wrong answer.
/// </summary>
public sealed class BucketDiffer
{
    private const string SourceSide = "source";
    private const string DestinationSide = "destination";

    private readonly DiffOptions _options;

    public BucketDiffer(DiffOptions? options = null)
    {
        _options = options ?? new DiffOptions();
        if (_options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }
    }

    public DiffOptions Options => _options;

    /// <summary>
    /// The differences between <paramref name="source"/> (keys under the mapping's source prefix) and
    /// <paramref name="destination"/> (keys under its destination prefix), in key order. The listings are read one
    /// after the other; give each a read-ahead (<see cref="ParallelLister"/>) so their requests overlap.
    /// </summary>
    /// <param name="counters">Filled with counts of every kind, emitted or not, and the position reached (a checkpoint).</param>
    public async IAsyncEnumerable<DiffEntry> DiffAsync(
        IAsyncEnumerable<ListedObject> source,
        IAsyncEnumerable<ListedObject> destination,
        DiffCounters? counters = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        counters ??= new DiffCounters();
        var mapping = _options.Mapping;
        await using var sources = new SortedCursor(source, SourceSide, mapping.SourcePrefix, cancellationToken);
        await using var destinations = new SortedCursor(destination, DestinationSide, mapping.DestinationPrefix, cancellationToken);
        var hasSource = await sources.MoveNextAsync();
        var hasDestination = await destinations.MoveNextAsync();
        while (hasSource || hasDestination)
        {
            var order = !hasSource ? 1 : !hasDestination ? -1 : Utf8KeyComparer.CompareKeys(sources.Relative, destinations.Relative);
            DiffEntry? entry;
            string position;
            if (order < 0)
            {
                position = sources.Current.Key;
                entry = SourceOnly(sources.Current, counters);
                hasSource = await sources.MoveNextAsync();
            }
            else if (order > 0)
            {
                entry = DestinationOnly(destinations.Current, counters);
                position = entry?.SourceKey ?? mapping.Unmap(destinations.Current.Key);
                hasDestination = await destinations.MoveNextAsync();
            }
            else
            {
                position = sources.Current.Key;
                entry = Both(sources.Current, destinations.Current, counters);
                hasSource = await sources.MoveNextAsync();
                hasDestination = await destinations.MoveNextAsync();
            }

            counters.Advance(position);
            if (entry is not null)
            {
                yield return entry;
            }
        }
    }

    private DiffEntry? SourceOnly(ListedObject source, DiffCounters counters)
    {
        var mapping = _options.Mapping;
        if (!_options.Filter.Selects(_options.SourceBucket, source.Key, mapping.SourcePrefix.Length))
        {
            counters.Filtered();
            return null;
        }

        counters.Count(DiffKind.Missing, source, null);
        return new DiffEntry(DiffKind.Missing, source.Key, mapping.Map(source.Key), source, null);
    }

    private DiffEntry? DestinationOnly(ListedObject destination, DiffCounters counters)
    {
        var filtered = !_options.Filter.IsAll;
        if (!filtered && !_options.IncludeExtras)
        {
            counters.Count(DiffKind.Extra, null, destination);
            return null;
        }

        var mapping = _options.Mapping;
        var sourceKey = mapping.Unmap(destination.Key);
        if (filtered && !_options.Filter.Selects(_options.SourceBucket, sourceKey, mapping.SourcePrefix.Length))
        {
            counters.Filtered();
            return null;
        }

        counters.Count(DiffKind.Extra, null, destination);
        return _options.IncludeExtras ? new DiffEntry(DiffKind.Extra, sourceKey, destination.Key, null, destination) : null;
    }

    private DiffEntry? Both(ListedObject source, ListedObject destination, DiffCounters counters)
    {
        if (!_options.Filter.Selects(_options.SourceBucket, source.Key, _options.Mapping.SourcePrefix.Length))
        {
            counters.Filtered();
            return null;
        }

        var changes = ObjectComparer.Compare(source, destination, _options);
        if (changes != ChangeReason.None)
        {
            counters.Count(DiffKind.Changed, source, destination);
            return new DiffEntry(DiffKind.Changed, source.Key, destination.Key, source, destination) { Changes = changes };
        }

        counters.Count(DiffKind.Same, source, destination);
        return _options.EmitSame ? new DiffEntry(DiffKind.Same, source.Key, destination.Key, source, destination) : null;
    }
}
