namespace S3Migrate.Transfer.Listing;

/// <summary>
/// Orders keys as S3 lists them: by their UTF-8 bytes. UTF-16 ordinal order (<see cref="string.CompareOrdinal(string, string)"/>)
/// differs for characters above U+FFFF: their surrogates (U+D800–U+DFFF) sort below U+E000–U+FFFF in UTF-16 but above
/// them in UTF-8. Comparing code units with the surrogate block moved above U+FFFF gives UTF-8 order without encoding.
/// </summary>
public sealed class Utf8KeyComparer : IComparer<string>
{
    public static readonly Utf8KeyComparer Instance = new();

    private const char FirstSurrogate = '\uD800';
    private const char FirstAfterSurrogates = '\uE000';

    /// <summary>Size of the surrogate block (U+D800–U+DFFF).</summary>
    private const int SurrogateBlock = 0x800;

    /// <summary>Moves U+D800–U+DFFF above U+FFFF (U+E000–U+FFFF move down to make room).</summary>
    private const int SurrogateShift = 0x10000 - FirstAfterSurrogates;

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        return y is null ? 1 : CompareKeys(x, y);
    }

    /// <summary>Negative, zero or positive as <paramref name="x"/> sorts before, with or after <paramref name="y"/> in UTF-8 byte order.</summary>
    public static int CompareKeys(ReadOnlySpan<char> x, ReadOnlySpan<char> y)
    {
        var common = x.CommonPrefixLength(y);
        if (common == x.Length || common == y.Length)
        {
            return x.Length - y.Length;
        }

        return Weight(x[common]) - Weight(y[common]);
    }

    private static int Weight(char c) => c switch
    {
        >= FirstAfterSurrogates => c - SurrogateBlock,
        >= FirstSurrogate => c + SurrogateShift,
        _ => c,
    };
}
