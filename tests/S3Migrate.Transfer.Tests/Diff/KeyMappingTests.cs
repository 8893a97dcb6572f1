using CsCheck;
using S3Migrate.Transfer.Diff;
using S3Migrate.Transfer.Tests.Listing;

namespace S3Migrate.Transfer.Tests.Diff;

/// <summary>Destination keys are the destination prefix plus the source key's exact remainder, and back.</summary>
public sealed class KeyMappingTests
{
    [Fact]
    public void MapsAndUnmapsEveryKeyExactly() =>
        Gen.Select(KeyGen.Text, KeyGen.Text, KeyGen.Text).Sample((sourcePrefix, destinationPrefix, rest) =>
        {
            var mapping = new KeyMapping(sourcePrefix, destinationPrefix);
            var mapped = mapping.Map(sourcePrefix + rest);
            return mapped == destinationPrefix + rest && mapping.Unmap(mapped) == sourcePrefix + rest;
        }, iter: 20_000);

    [Theory]
    [InlineData("src/", "dst/", "src/a//b", "dst/a//b")]
    [InlineData("src/", "dst/", "src//leading", "dst//leading")]
    [InlineData("", "dst/", "/leading", "dst//leading")]
    [InlineData("", "", "/leading", "/leading")]
    [InlineData("src/", "", "src/x", "x")]
    [InlineData("src/", "dst/", "src/a+b %2F😀\u0001", "dst/a+b %2F😀\u0001")]
    [InlineData("src", "dst/", "src/x", "dst//x")]
    [InlineData("src/", "dst", "src/x", "dstx")]
    [InlineData("src/", "dst/", "src/", "dst/")]
    public void KeepsKeysByteForByteWithoutJoiningOrNormalisingPaths(string sourcePrefix, string destinationPrefix, string sourceKey, string destinationKey)
    {
        var mapping = new KeyMapping(sourcePrefix, destinationPrefix);

        Assert.Equal(destinationKey, mapping.Map(sourceKey));
        Assert.Equal(sourceKey, mapping.Unmap(destinationKey));
    }

    [Theory]
    [InlineData("src/", "src")]
    [InlineData("src/", "SRC/x")]
    [InlineData("src/", "other/src/x")]
    public void RefusesKeysOutsideTheSourcePrefix(string sourcePrefix, string key)
    {
        var error = Assert.Throws<ArgumentException>(() => new KeyMapping(sourcePrefix, "dst/").Map(key));

        Assert.Contains($"'{key}' is not under the source prefix '{sourcePrefix}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesDestinationKeysOutsideTheDestinationPrefix() =>
        Assert.Throws<ArgumentException>(() => new KeyMapping("src/", "dst/").Unmap("src/x"));
}
