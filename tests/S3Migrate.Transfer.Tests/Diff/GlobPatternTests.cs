using S3Migrate.Transfer.Diff;

namespace S3Migrate.Transfer.Tests.Diff;

/// <summary>Glob patterns match whole keys the way shell wildcards do, with '*' crossing '/'.</summary>
public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("*.jpg", "a.jpg", true)]
    [InlineData("*.jpg", "dir/sub/a.jpg", true)]
    [InlineData("*.jpg", "a.jpeg", false)]
    [InlineData("*.jpg", "a.jpg/", false)]
    [InlineData("*.JPG", "a.jpg", false)]
    [InlineData("logs/*", "logs/2024/01/x", true)]
    [InlineData("logs/*", "logs/", true)]
    [InlineData("logs/*", "logs", false)]
    [InlineData("*/readme.md", "readme.md", false)]
    [InlineData("*/readme.md", "a/b/readme.md", true)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "a/c", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("a?c", "a😀c", true)]
    [InlineData("[abc]x", "bx", true)]
    [InlineData("[abc]x", "dx", false)]
    [InlineData("[a-c]x", "cx", true)]
    [InlineData("[!a-c]x", "cx", false)]
    [InlineData("[^a-c]x", "dx", true)]
    [InlineData("[]]", "]", true)]
    [InlineData("[!]]", "]", false)]
    [InlineData("[*]", "*", true)]
    [InlineData("[*]", "x", false)]
    [InlineData("[[]x", "[x", true)]
    [InlineData("[😀-😂]", "😁", true)]
    [InlineData("[a-]", "-", true)]
    [InlineData("a]b", "a]b", true)]
    [InlineData("*a*b*c*", "xxaxxbxxcxx", true)]
    [InlineData("*a*b*c*", "xxcxxbxxaxx", false)]
    [InlineData("**", "", true)]
    [InlineData("*", "any/thing at all", true)]
    [InlineData("a+b%2F", "a+b%2F", true)]
    [InlineData("a+b%2F", "a b/", false)]
    [InlineData("a\\*", "a\\x", true)]
    [InlineData("//*", "//x", true)]
    [InlineData("//*", "/x", false)]
    public void MatchesWholeKeys(string pattern, string key, bool matches) =>
        Assert.Equal(matches, GlobPattern.Parse(pattern).IsMatch(key));

    [Fact]
    public void ManyStarsOnALongKeyStayFast()
    {
        var pattern = GlobPattern.Parse(string.Concat(Enumerable.Repeat("*a", 30)) + "*b");
        var key = new string('a', 1024);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(pattern.IsMatch(key));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("a[bc", "'[' at position 2 without a closing ']'")]
    [InlineData("[]", "without a closing ']'")]
    [InlineData("[z-a]", "reversed range 'z-a'")]
    public void RefusesMalformedPatternsSayingWhy(string pattern, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => GlobPattern.Parse(pattern));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
