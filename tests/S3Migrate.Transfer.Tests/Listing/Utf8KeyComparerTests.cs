using System.Text;
using CsCheck;
using S3Migrate.Transfer.Listing;

namespace S3Migrate.Transfer.Tests.Listing;

/// <summary>The engine orders keys exactly as S3 does: by UTF-8 bytes, not UTF-16 code units.</summary>
public sealed class Utf8KeyComparerTests
{
    [Fact]
    public void AgreesWithComparingUtf8BytesForEveryPairOfKeys() =>
        Gen.Select(KeyGen.Text, KeyGen.Text).Sample((x, y) =>
            Math.Sign(Utf8KeyComparer.CompareKeys(x, y)) == Math.Sign(Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y))),
            iter: 50_000);

    [Fact]
    public void AgreesWithComparingUtf8BytesForKeysSharingLongPrefixes() =>
        Gen.Select(KeyGen.Text, KeyGen.Text, KeyGen.Text).Sample((shared, x, y) =>
            Math.Sign(Utf8KeyComparer.CompareKeys(shared + x, shared + y)) ==
            Math.Sign(Encoding.UTF8.GetBytes(shared + x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(shared + y))));

    [Theory]
    [InlineData("\uE000", "😀")]
    [InlineData("\uFFFF", "\U00010000")]
    [InlineData("a", "a/")]
    [InlineData("", "\u0001")]
    [InlineData("a/b", "a0")]
    [InlineData("a b", "a+b")]
    [InlineData("z", "é")]
    public void OrdersKnownPairs(string first, string second)
    {
        Assert.True(Utf8KeyComparer.CompareKeys(first, second) < 0);
        Assert.True(Utf8KeyComparer.Instance.Compare(second, first) > 0);
        Assert.Equal(0, Utf8KeyComparer.Instance.Compare(first, new string(first.AsSpan())));
    }

    [Fact]
    public void UnlikeOrdinalComparisonPutsEmojiAfterPrivateUseCharacters()
    {
        Assert.True(string.CompareOrdinal("😀", "\uE000") < 0);
        Assert.True(Utf8KeyComparer.CompareKeys("😀", "\uE000") > 0);
    }

    [Fact]
    public void SortsTrickyKeysAsS3Does()
    {
        var keys = TrickyKeys.Many();

        Assert.Equal(TrickyKeys.InS3Order(keys), keys.Order(Utf8KeyComparer.Instance));
    }
}
