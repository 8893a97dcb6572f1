using System.Text;

namespace S3Migrate.Transfer.Tests.Listing;

/// <summary>Keys that break naive listing, decoding, ordering or path handling, and S3's own order for them.</summary>
public static class TrickyKeys
{
    /// <summary>Each is a valid S3 key; together they cover every trap the tests are after.</summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        "plain",
        "a b",
        "a+b",
        "a%b",
        "a%2Fb",
        "a%252F",
        "a%20b",
        "a//b",
        "a///",
        "/leading",
        "/a//b",
        "ctl\u0001x",
        "tab\tx",
        "del\u007Fx",
        "cr\rx",
        "😀emoji",
        "𝄞clef",
        "\uE000private",
        "\uFFFDreplacement",
        "\uFF21fullwidth",
        "中文/文件 名.txt",
        "folder/",
        "folder/x",
        "folder0",
        "folder.x",
        "~tilde",
        "quote\"s",
        "<xml>&amp;",
        "+",
        "%",
        " ",
        "é",
        "e\u0301",
        "\u00A0nbsp",
    ];

    /// <summary>
    /// <see cref="Keys"/> with suffixes, over 1000 of them so a listing takes more than one page; suffixes are chosen
    /// to interleave with the keys' own characters ('-' sorts before '.', '/', digits and letters).
    /// </summary>
    public static IReadOnlyList<string> Many()
    {
        string[] suffixes = ["", " ", "+", "/", "😀", "\uE000", "%25", .. Enumerable.Range(0, 30).Select(static i => "-" + i)];
        return [.. Keys.SelectMany(key => suffixes.Select(suffix => key + suffix)).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>S3's order, computed independently of the engine: compare the UTF-8 bytes.</summary>
    public static List<string> InS3Order(IEnumerable<string> keys) =>
        [.. keys.OrderBy(static k => Encoding.UTF8.GetBytes(k), Utf8BytesComparer.Instance)];

    private sealed class Utf8BytesComparer : IComparer<byte[]>
    {
        public static readonly Utf8BytesComparer Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
