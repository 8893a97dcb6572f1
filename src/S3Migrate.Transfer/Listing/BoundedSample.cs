namespace S3Migrate.Transfer.Listing;

/// <summary>
/// Keeps an evenly spaced sample of a stream of items in bounded memory: every item until the sample is full, then
/// every second one of those and of what follows, then every fourth, and so on.
/// </summary>
internal sealed class BoundedSample<T>
{
    private readonly int _capacity;
    private readonly List<T> _items = [];
    private long _seen;
    private long _stride = 1;

    public BoundedSample(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>True once items have been dropped: the sample no longer holds everything it was given.</summary>
    public bool IsThinned => _stride > 1;

    public IReadOnlyList<T> Items => _items;

    public void Add(T item)
    {
        if (_seen++ % _stride != 0)
        {
            return;
        }

        if (_items.Count == _capacity)
        {
            var kept = 0;
            for (var i = 0; i < _items.Count; i += 2)
            {
                _items[kept++] = _items[i];
            }

            _items.RemoveRange(kept, _items.Count - kept);
            _stride *= 2;
            if ((_seen - 1) % _stride != 0)
            {
                return;
            }
        }

        _items.Add(item);
    }
}
