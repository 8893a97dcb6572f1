using S3Migrate.Transfer.Listing;

namespace S3Migrate.Transfer.Diff;

/// <summary>
/// Walks one side's listing for the merge, checking as it goes that keys are under that side's prefix and strictly
/// increasing in UTF-8 order — a merge over anything else would silently be wrong.
/// </summary>
internal sealed class SortedCursor(IAsyncEnumerable<ListedObject> listing, string side, string prefix, CancellationToken cancellationToken)
    : IAsyncDisposable
{
    private readonly IAsyncEnumerator<ListedObject> _items = listing.GetAsyncEnumerator(cancellationToken);

    public ListedObject Current { get; private set; } = null!;

    /// <summary>The current key without the side's prefix.</summary>
    public ReadOnlySpan<char> Relative => Current.Key.AsSpan(prefix.Length);

    public async ValueTask<bool> MoveNextAsync()
    {
        var previous = Current;
        if (!await _items.MoveNextAsync())
        {
            return false;
        }

        var current = _items.Current;
        if (!current.Key.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The {side} listing returned {KeyText.Show(current.Key)}, which is not under its prefix {KeyText.Show(prefix)}.");
        }

        if (previous is not null && Utf8KeyComparer.CompareKeys(previous.Key, current.Key) >= 0)
        {
            throw new ListingOrderException(side, previous.Key, current.Key);
        }

        Current = current;
        return true;
    }

    public ValueTask DisposeAsync() => _items.DisposeAsync();
}
