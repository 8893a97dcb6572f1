namespace S3Migrate.Transfer.Listing;

/// <summary>
/// Splits a bucket (or a prefix of it) into disjoint key ranges along its folders, found with delimiter listings a
/// few levels deep, so the ranges can be listed in parallel — within one process by <see cref="ParallelLister"/>, or
/// handed to different workers. Only folder names are held, never keys, and at most
/// <see cref="PrefixDiscoveryOptions.MaxBoundaries"/> of them.
/// </summary>
public sealed class PrefixDiscovery
{
    private readonly IPrefixLister _lister;
    private readonly PrefixDiscoveryOptions _options;

    public PrefixDiscovery(IPrefixLister lister, PrefixDiscoveryOptions? options = null)
    {
        _lister = lister;
        _options = options ?? new PrefixDiscoveryOptions();
        if (_options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }
    }

    /// <summary>Ranges that together hold every key under <paramref name="prefix"/> exactly once, in listing order.</summary>
    public async Task<IReadOnlyList<KeyRange>> DiscoverRangesAsync(string bucket, string prefix, CancellationToken cancellationToken = default) =>
        KeyRange.Split(prefix, await DiscoverBoundariesAsync(bucket, prefix, cancellationToken));

    /// <summary>The folders found under <paramref name="prefix"/> down to the configured depth, in UTF-8 order.</summary>
    public async Task<IReadOnlyList<string>> DiscoverBoundariesAsync(string bucket, string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        List<string> boundaries = [];
        IReadOnlyList<string> frontier = [prefix];
        for (var depth = 1; depth <= _options.MaxDepth && frontier.Count > 0; depth++)
        {
            var budget = Math.Max(1, _options.MaxBoundaries / frontier.Count);
            var children = new BoundedSample<string>[frontier.Count];
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, frontier.Count), parallel, async (index, token) =>
            {
                var sample = new BoundedSample<string>(budget);
                await foreach (var child in _lister.ListCommonPrefixesAsync(bucket, frontier[index], _options.Delimiter, token))
                {
                    sample.Add(child);
                }

                children[index] = sample;
            });

            boundaries = Merge(boundaries, frontier, children);
            frontier = [.. children.SelectMany(static c => c.Items)];
            if (boundaries.Count > _options.MaxBoundaries)
            {
                var sample = new BoundedSample<string>(_options.MaxBoundaries);
                foreach (var boundary in boundaries)
                {
                    sample.Add(boundary);
                }

                return sample.Items;
            }

            if (children.Any(static c => c.IsThinned))
            {
                break;
            }
        }

        return boundaries;
    }

    /// <summary>
    /// Inserts each parent's children right after it. Children sort after their parent (which is a prefix of them) and
    /// before the parent's next sibling, so the result stays in order.
    /// </summary>
    private static List<string> Merge(List<string> boundaries, IReadOnlyList<string> parents, BoundedSample<string>[] children)
    {
        var merged = new List<string>(boundaries.Count + children.Sum(static c => c.Items.Count));
        var parent = 0;
        foreach (var boundary in boundaries)
        {
            merged.Add(boundary);
            if (parent < parents.Count && string.Equals(parents[parent], boundary, StringComparison.Ordinal))
            {
                merged.AddRange(children[parent++].Items);
            }
        }

        // The first level's parent is the listed prefix itself, which is not a boundary.
        for (; parent < parents.Count; parent++)
        {
            merged.AddRange(children[parent].Items);
        }

        return merged;
    }
}
