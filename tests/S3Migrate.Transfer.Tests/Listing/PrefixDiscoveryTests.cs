using CsCheck;
using S3Migrate.Transfer.Listing;

namespace S3Migrate.Transfer.Tests.Listing;

/// <summary>Discovery splits a bucket along its folders, to the depth asked, within a bounded number of boundaries.</summary>
public sealed class PrefixDiscoveryTests
{
    private static readonly string[] Bucket =
    [
        "top", "a/", "a/1", "a/x/1", "a/x/2", "a/y/1", "a.txt", "b/z/deep/1", "b/1", "c//1", "😀/1", "\uE000/1",
    ];

    [Fact]
    public async Task FindsTheFoldersOfTheFirstLevel()
    {
        var boundaries = await new PrefixDiscovery(new SortedKeyLister(Bucket), new PrefixDiscoveryOptions { MaxDepth = 1 })
            .DiscoverBoundariesAsync("bucket", "");

        Assert.Equal(["a/", "b/", "c/", "\uE000/", "😀/"], boundaries);
    }

    [Fact]
    public async Task DescendsToTheRequestedDepthKeepingUtf8Order()
    {
        var boundaries = await new PrefixDiscovery(new SortedKeyLister(Bucket), new PrefixDiscoveryOptions { MaxDepth = 2 })
            .DiscoverBoundariesAsync("bucket", "");

        Assert.Equal(["a/", "a/x/", "a/y/", "b/", "b/z/", "c/", "c//", "\uE000/", "😀/"], boundaries);
    }

    [Fact]
    public async Task DiscoversUnderAPrefixOnly()
    {
        var boundaries = await new PrefixDiscovery(new SortedKeyLister(Bucket), new PrefixDiscoveryOptions { MaxDepth = 3 })
            .DiscoverBoundariesAsync("bucket", "b/");

        Assert.Equal(["b/z/", "b/z/deep/"], boundaries);
    }

    [Fact]
    public async Task KeepsEvenlySpacedFoldersWhenThereAreMoreThanAllowed()
    {
        var keys = Enumerable.Range(0, 1000).Select(static i => $"f{i:D4}/x");

        var boundaries = await new PrefixDiscovery(new SortedKeyLister(keys), new PrefixDiscoveryOptions { MaxBoundaries = 100 })
            .DiscoverBoundariesAsync("bucket", "");

        Assert.InRange(boundaries.Count, 50, 100);
        Assert.Equal(TrickyKeys.InS3Order(boundaries), boundaries);
        var gaps = boundaries.Zip(boundaries.Skip(1)).Select(static p => int.Parse(p.Second[1..5], System.Globalization.CultureInfo.InvariantCulture) -
            int.Parse(p.First[1..5], System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToList();
        Assert.Single(gaps);
    }

    [Fact]
    public async Task DiscoveredRangesHoldEveryKeyOnce() =>
        await Gen.Select(KeyGen.FolderyKeys, Gen.Int[1, 3], Gen.Int[1, 20]).SampleAsync(async (keys, depth, limit) =>
        {
            var lister = new SortedKeyLister(keys);
            var ranges = await new PrefixDiscovery(lister, new PrefixDiscoveryOptions { MaxDepth = depth, MaxBoundaries = limit })
                .DiscoverRangesAsync("bucket", "");

            return ranges.Count <= limit + 1 && ranges.SelectMany(r => lister.Keys.Where(r.Contains)).SequenceEqual(lister.Keys);
        }, iter: 300);
}
