namespace S3Migrate.LocalS3.Protocol;

/// <summary>
/// Orders strings by their UTF-8 bytes, as S3 orders keys. UTF-16 ordinal order differs for characters
/// above U+FFFF (surrogates sort below U+E000–U+FFFF in UTF-16 but above them in UTF-8), so this fixes that up
/// without encoding.
/// </summary>
public sealed class Utf8KeyComparer : IComparer<string>
{
    public static readonly Utf8KeyComparer Instance = new();

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

        if (y is null)
        {
            return 1;
        }

        var span = x.AsSpan();
        var other = y.AsSpan();
        var common = span.CommonPrefixLength(other);
        if (common == span.Length || common == other.Length)
        {
            return span.Length.CompareTo(other.Length);
        }

        return Weight(span[common]).CompareTo(Weight(other[common]));
    }

    private static int Weight(char c) => c switch
    {
        >= '\uE000' => c - 0x800,
        >= '\uD800' => c + 0x2000,
        _ => c,
    };
}
