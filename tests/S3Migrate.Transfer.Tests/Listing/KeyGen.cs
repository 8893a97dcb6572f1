using System.Text;
using CsCheck;

namespace S3Migrate.Transfer.Tests.Listing;

/// <summary>Generators of valid S3 keys rich in the characters that order, decode and split differently.</summary>
public static class KeyGen
{
    /// <summary>Any Unicode scalar, weighted towards the ranges where UTF-16 and UTF-8 order disagree.</summary>
    public static readonly Gen<int> Scalar = Gen.Frequency(
        (4, Gen.Int[0x20, 0x7E]),
        (1, Gen.Int[0x01, 0x1F]),
        (1, Gen.Int[0x80, 0xD7FF]),
        (2, Gen.Int[0xE000, 0xFFFF]),
        (2, Gen.Int[0x10000, 0x10FFFF]));

    /// <summary>Any valid key text (possibly empty).</summary>
    public static readonly Gen<string> Text = Scalar.Array[0, 12].Select(static scalars =>
    {
        var text = new StringBuilder();
        foreach (var scalar in scalars)
        {
            text.Append(new Rune(scalar).ToString());
        }

        return text.ToString();
    });

    /// <summary>Keys from a small alphabet, so folders, shared prefixes and direct keys next to folders are common.</summary>
    public static readonly Gen<string> FolderyKey = Gen.OneOf("a", "b", "/", "/", ".", "0", "-", " ", "😀", "\uE000", "é")
        .Array[1, 8].Select(static parts => string.Concat(parts));

    public static readonly Gen<string[]> FolderyKeys = FolderyKey.Array[0, 120];
}
