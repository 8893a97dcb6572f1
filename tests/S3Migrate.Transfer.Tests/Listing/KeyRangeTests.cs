using CsCheck;
using S3Migrate.Transfer.Listing;

namespace S3Migrate.Transfer.Tests.Listing;

/// <summary>Key ranges split a prefix into ordered, disjoint slices that hold every key exactly once.</summary>
public sealed class KeyRangeTests
{
    [Fact]
    public void RangesSplitAtAnySortedBoundariesHoldEveryKeyExactlyOnceInOrder() =>
        Gen.Select(KeyGen.FolderyKeys, KeyGen.FolderyKeys).Sample((keys, boundaryCandidates) =>
        {
            var sorted = TrickyKeys.InS3Order(keys.Distinct(StringComparer.Ordinal));
            var boundaries = TrickyKeys.InS3Order(boundaryCandidates.Distinct(StringComparer.Ordinal));
            var ranges = KeyRange.Split("", boundaries);

            var inRanges = ranges.SelectMany(r => sorted.Where(r.Contains)).ToList();
            return inRanges.SequenceEqual(sorted) && ranges.Zip(ranges.Skip(1)).All(static p => p.First.Precedes(p.Second));
        });

    [Fact]
    public void ADirectKeyBetweenTwoFoldersFallsInExactlyOneRange()
    {
        var ranges = KeyRange.Split("p/", ["p/a/", "p/b/"]);

        Assert.Equal(
            [["p/", "p/a", "p/a.txt", "p/a/"], ["p/a//x", "p/a/x", "p/a0", "p/b/"], ["p/b/x", "p/c"]],
            ranges.Select(r => new[] { "p/", "p/a", "p/a.txt", "p/a/", "p/a//x", "p/a/x", "p/a0", "p/b/", "p/b/x", "p/c", "q" }.Where(r.Contains).ToArray()));
    }

    [Fact]
    public void RefusesBoundariesOutOfOrderOrOutsideThePrefix()
    {
        Assert.Contains("strictly increasing", Assert.Throws<ArgumentException>(() => KeyRange.Split("", ["b", "a"])).Message, StringComparison.Ordinal);
        Assert.Contains("strictly increasing", Assert.Throws<ArgumentException>(() => KeyRange.Split("", ["😀", "\uE000"])).Message, StringComparison.Ordinal);
        Assert.Contains("not under the prefix", Assert.Throws<ArgumentException>(() => KeyRange.Split("p/", ["q/"])).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a/", null, null, "b/", null, null, true)]
    [InlineData("a/", null, null, "a/b/", null, null, false)]
    [InlineData("", null, "m", "", "m", null, true)]
    [InlineData("", null, "m", "", "l", null, false)]
    [InlineData("", null, "m", "", null, null, false)]
    [InlineData("", null, null, "b/", null, null, false)]
    [InlineData("p/", null, "p/k", "q", null, null, true)]
    public void TellsWhetherOneRangeEndsBeforeTheNextBegins(
        string prefix, string? after, string? through, string nextPrefix, string? nextAfter, string? nextThrough, bool precedes) =>
        Assert.Equal(precedes, new KeyRange(prefix, after, through).Precedes(new KeyRange(nextPrefix, nextAfter, nextThrough)));

    [Fact]
    public void ResumingAfterAKeyLeavesTheRestOfTheRange()
    {
        var range = new KeyRange("p/", "p/a", "p/m").ResumeAfter("p/c");

        Assert.False(range.Contains("p/c"));
        Assert.True(range.Contains("p/d"));
        Assert.True(range.Contains("p/m"));
        Assert.False(range.Contains("p/n"));
    }
}
