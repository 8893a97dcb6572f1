using S3Migrate.Transfer.Diff;
using S3Migrate.Transfer.Listing;

namespace S3Migrate.Transfer.Tests.Diff;

/// <summary>Objects are compared on size, on ETags only where they can be compared, and on time when asked.</summary>
public sealed class ObjectComparerTests
{
    private const string Md5A = "0cc175b9c0f1b6a831c399e269772661";
    private const string Md5B = "92eb5ffee6ae2fec3ad71c777531578f";

    [Theory]
    [InlineData(Md5A, Md5A, true)]
    [InlineData(Md5A, "0CC175B9C0F1B6A831C399E269772661", true)]
    [InlineData(Md5A, Md5B + "-2", false)]
    [InlineData(Md5A + "-2", Md5B + "-2", true)]
    [InlineData(Md5A + "-2", Md5B + "-3", false)]
    [InlineData(Md5A + "-0", Md5B + "-0", false)]
    [InlineData("opaque", "opaque", false)]
    [InlineData(Md5A + "x", Md5A + "x", false)]
    [InlineData("", Md5A, false)]
    public void ETagsAreComparableWhenBothAreMd5sOrBothHaveTheSamePartCount(string source, string destination, bool comparable) =>
        Assert.Equal(comparable, ObjectComparer.ETagsComparable(source, destination));

    [Theory]
    [InlineData(10, Md5A, 10, Md5A, ChangeReason.None)]
    [InlineData(10, Md5A, 11, Md5A, ChangeReason.Size)]
    [InlineData(10, Md5A, 10, Md5B, ChangeReason.ETag)]
    [InlineData(10, Md5A, 11, Md5B, ChangeReason.Size | ChangeReason.ETag)]
    [InlineData(10, Md5A + "-2", 10, Md5B, ChangeReason.None)]
    [InlineData(10, Md5A + "-2", 10, Md5B + "-2", ChangeReason.ETag)]
    public void FindsWhatChanged(long sourceSize, string sourceETag, long destinationSize, string destinationETag, ChangeReason expected) =>
        Assert.Equal(expected, ObjectComparer.Compare(Listed(sourceSize, sourceETag, null), Listed(destinationSize, destinationETag, null), new DiffOptions()));

    [Fact]
    public void ETagsCanBeLeftOutForEncryptedBuckets() =>
        Assert.Equal(ChangeReason.None, ObjectComparer.Compare(Listed(1, Md5A, null), Listed(1, Md5B, null), new DiffOptions { CompareETags = false }));

    [Fact]
    public void ASourceNewerThanItsCopyChangedOnlyWhenTimesAreCompared()
    {
        var copied = DateTimeOffset.Parse("2024-05-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var source = Listed(1, Md5A, copied.AddSeconds(1));
        var destination = Listed(1, Md5A, copied);

        Assert.Equal(ChangeReason.None, ObjectComparer.Compare(source, destination, new DiffOptions()));
        Assert.Equal(ChangeReason.LastModified, ObjectComparer.Compare(source, destination, new DiffOptions { CompareLastModified = true }));
        Assert.Equal(ChangeReason.None, ObjectComparer.Compare(destination, source, new DiffOptions { CompareLastModified = true }));
        Assert.Equal(ChangeReason.None, ObjectComparer.Compare(source, Listed(1, Md5A, null), new DiffOptions { CompareLastModified = true }));
    }

    private static ListedObject Listed(long size, string etag, DateTimeOffset? modified) => new("k", size, etag, modified, "STANDARD");
}
