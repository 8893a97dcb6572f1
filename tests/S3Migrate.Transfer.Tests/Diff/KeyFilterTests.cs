using S3Migrate.Transfer.Diff;

namespace S3Migrate.Transfer.Tests.Diff;

/// <summary>Include and exclude patterns pick source keys; the pattern's form says what it is matched against.</summary>
public sealed class KeyFilterTests
{
    private const string Bucket = "photos";
    private const string Prefix = "2024/";

    [Theory]
    [InlineData("2024/a.jpg", true)]
    [InlineData("2024/a.tmp", false)]
    [InlineData("2024/cache/a.jpg", false)]
    [InlineData("2024/a.png", false)]
    [InlineData("2024/sub/b.jpg", true)]
    public void RelativePatternsMatchTheKeyWithoutTheSourcePrefix(string key, bool selected)
    {
        var filter = new KeyFilter(include: ["*.jpg", "*.tmp"], exclude: ["*.tmp", "cache/*"]);

        Assert.Equal(selected, filter.Selects(Bucket, key, Prefix.Length));
    }

    [Fact]
    public void AnEmptyFilterTakesEverything()
    {
        Assert.True(KeyFilter.All.IsAll);
        Assert.True(KeyFilter.All.Selects(Bucket, "2024/anything", Prefix.Length));
    }

    [Theory]
    [InlineData("s3://photos/2024/raw/*", "2024/raw/x.cr2", false)]
    [InlineData("s3://photos/2024/raw/*", "2024/x.jpg", true)]
    [InlineData("s3://other/2024/raw/*", "2024/raw/x.cr2", true)]
    [InlineData("s3://*/readme.md", "2024/readme.md", false)]
    [InlineData("raw/*", "2024/raw/x.cr2", false)]
    [InlineData("2024/raw/*", "2024/raw/x.cr2", true)]
    public void BucketPatternsMatchBucketSlashFullKey(string exclude, string key, bool selected)
    {
        var filter = new KeyFilter([], [exclude]);

        Assert.Equal(selected, filter.Selects(Bucket, key, Prefix.Length));
    }

    [Fact]
    public void TheOriginalIgnoreListExcludesWildcardsOnBucketAndKey()
    {
        var filter = KeyFilter.FromIgnoreList(["photos/2024/a.jpg\r", "", "  ", "*.tmp", "photos/2024/keep*", "*/readme.md"]);

        Assert.True(filter.UsesBucket);
        Assert.False(filter.Selects(Bucket, "2024/a.jpg", Prefix.Length));
        Assert.False(filter.Selects(Bucket, "2024/x.tmp", Prefix.Length));
        Assert.False(filter.Selects(Bucket, "2024/keep/1", Prefix.Length));
        Assert.False(filter.Selects(Bucket, "2024/readme.md", Prefix.Length));
        Assert.True(filter.Selects(Bucket, "2024/b.jpg", Prefix.Length));
        Assert.Equal(4, filter.Exclude.Count);
    }

    [Fact]
    public void AMalformedPatternIsRefusedByName()
    {
        var error = Assert.Throws<ArgumentException>(() => new KeyFilter(["ok/*"], ["s3://photos/[x"]));

        Assert.StartsWith("Invalid key pattern 's3://photos/[x':", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADiffWithBucketPatternsNeedsTheSourceBucket()
    {
        var options = new DiffOptions { Filter = new KeyFilter([], ["s3://photos/*"]) };

        Assert.Contains("no source bucket", Assert.Throws<ArgumentException>(() => new BucketDiffer(options)).Message, StringComparison.Ordinal);
    }
}
