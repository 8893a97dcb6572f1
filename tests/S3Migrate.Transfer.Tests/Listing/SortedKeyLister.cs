using System.Runtime.CompilerServices;
using System.Text;
using S3Migrate.Transfer.Listing;

namespace S3Migrate.Transfer.Tests.Listing;

/// <summary>
/// An in-memory bucket that lists like S3 (UTF-8 byte order, prefix, start-after, delimiter), computed
/// independently of the engine's comparer. It yields asynchronously, counts open listings, and can be told to fail
/// part-way.
/// </summary>
public sealed class SortedKeyLister(IEnumerable<string> keys) : IObjectLister, IPrefixLister
{
    private readonly List<string> _keys = TrickyKeys.InS3Order(keys.Distinct(StringComparer.Ordinal));
    private int _open;
    private int _started;

    /// <summary>Listings throw instead of yielding this key.</summary>
    public string? FailBefore { get; init; }

    public int OpenListings => Volatile.Read(ref _open);

    public int ListingsStarted => Volatile.Read(ref _started);

    public IReadOnlyList<string> Keys => _keys;

    public static ListedObject Listed(string key) => new(key, Encoding.UTF8.GetByteCount(key), "d41d8cd98f00b204e9800998ecf8427e", null, "STANDARD");

    public async IAsyncEnumerable<ListedObject> ListAsync(
        string bucket, string prefix, string? startAfter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _started);
        Interlocked.Increment(ref _open);
        try
        {
            foreach (var key in _keys)
            {
                if (!key.StartsWith(prefix, StringComparison.Ordinal) || (startAfter is not null && Bytes(key).SequenceCompareTo(Bytes(startAfter)) <= 0))
                {
                    continue;
                }

                if (key == FailBefore)
                {
                    throw new InvalidOperationException($"listing failed before '{key}'");
                }

                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
                yield return Listed(key);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    public async IAsyncEnumerable<string> ListCommonPrefixesAsync(
        string bucket, string prefix, string delimiter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? last = null;
        foreach (var key in _keys)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var at = key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            var common = key[..(at + delimiter.Length)];
            if (common != last)
            {
                await Task.Yield();
                last = common;
                yield return common;
            }
        }
    }

    private static byte[] Bytes(string key) => Encoding.UTF8.GetBytes(key);
}
