using System.Text;
using S3Migrate.LocalS3.Checksums;
using S3Migrate.LocalS3.Operations;
using S3Migrate.LocalS3.Protocol;

namespace S3Migrate.LocalS3.Tests.Protocol;

/// <summary>Checksums, ETags, key order and ranges reproduce S3's published values and rules.</summary>
public sealed class ChecksumVectorTests
{
    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32, "", "AAAAAA==")]
    [InlineData(ChecksumAlgorithm.Crc32, "hello world", "DUoRhQ==")]
    [InlineData(ChecksumAlgorithm.Crc64Nvme, "", "AAAAAAAAAAA=")]
    [InlineData(ChecksumAlgorithm.Sha256, "", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")]
    [InlineData(ChecksumAlgorithm.Crc32, "aaaaa", "7qyTuQ==")]
    [InlineData(ChecksumAlgorithm.Crc32, "bbb", "QGXPDQ==")]
    [InlineData(ChecksumAlgorithm.Crc32, "aaaaabbb", "D+Y8Zg==")]
    public void ComputesS3ChecksumValues(ChecksumAlgorithm algorithm, string input, string expected) =>
        Assert.Equal(expected, ChecksumHasher.Compute(algorithm, Encoding.ASCII.GetBytes(input)));

    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32C, "4waSgw==")]
    [InlineData(ChecksumAlgorithm.Crc64Nvme, "rosUhgp5mIg=")]
    public void ComputesCheckValuesOfTheCrcParameterSets(ChecksumAlgorithm algorithm, string expected) =>
        Assert.Equal(expected, ChecksumHasher.Compute(algorithm, "123456789"u8));

    [Fact]
    public void MultipartETagIsMd5OfPartMd5sWithPartCount()
    {
        var parts = new[] { TestData.Md5Hex("aaaaa"u8.ToArray()), TestData.Md5Hex("bbb"u8.ToArray()) };

        Assert.Equal("72d27afac8e2fbd3662861b9d607a02c-2", MultipartOperations.MultipartETag(parts));
    }

    [Fact]
    public void KeysSortByUtf8BytesNotUtf16CodeUnits()
    {
        string[] keys = ["a", "\uE000", "😀", "\uFFFD", "Z", "ab", "a/b", "a b", "\u00e9"];

        var byComparer = keys.Order(Utf8KeyComparer.Instance).ToArray();
        var byBytes = keys.OrderBy(static k => Encoding.UTF8.GetBytes(k), Comparer<byte[]>.Create(static (x, y) => x.AsSpan().SequenceCompareTo(y))).ToArray();

        Assert.Equal(byBytes, byComparer);
        Assert.True(Array.IndexOf(byComparer, "😀") > Array.IndexOf(byComparer, "\uFFFD"));
    }

    [Theory]
    [InlineData("bytes=0-9", 100, 0, 9)]
    [InlineData("bytes=90-", 100, 90, 99)]
    [InlineData("bytes=-10", 100, 90, 99)]
    [InlineData("bytes=-1000", 100, 0, 99)]
    [InlineData("bytes=50-1000", 100, 50, 99)]
    public void ParsesSatisfiableRanges(string header, long size, long first, long last) =>
        Assert.Equal(new ByteRange(first, last), ByteRange.Parse(header, size));

    [Theory]
    [InlineData("bytes=100-", 100)]
    [InlineData("bytes=0-0", 0)]
    [InlineData("bytes=-0", 100)]
    [InlineData("bytes=9-3", 100)]
    public void RejectsUnsatisfiableRanges(string header, long size) =>
        Assert.Equal("InvalidRange", Assert.Throws<S3Exception>(() => ByteRange.Parse(header, size)).Code);

    [Theory]
    [InlineData("items=0-9")]
    [InlineData("bytes=0-1,5-6")]
    [InlineData("bytes=x-y")]
    public void IgnoresMalformedRanges(string header) => Assert.Null(ByteRange.Parse(header, 100));
}
