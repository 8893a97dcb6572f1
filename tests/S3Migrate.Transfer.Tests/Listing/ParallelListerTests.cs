using CsCheck;
using S3Migrate.Transfer.Listing;

namespace S3Migrate.Transfer.Tests.Listing;

/// <summary>Listing ranges in parallel yields exactly what one sequential listing yields, in the same order.</summary>
public sealed class ParallelListerTests : IAsyncLifetime
{
    private ListingBuckets _s3 = null!;

    public async Task InitializeAsync() => _s3 = await ListingBuckets.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task EqualsTheSequentialListingForAnyKeysDepthsAndReadAhead() =>
        await Gen.Select(KeyGen.FolderyKeys, Gen.Int[1, 3], Gen.Int[1, 30], Gen.Int[1, 4], Gen.Int[1, 5]).SampleAsync(
            async (keys, depth, boundaries, concurrency, readAhead) =>
            {
                var lister = new SortedKeyLister(keys);
                var ranges = await new PrefixDiscovery(lister, new PrefixDiscoveryOptions { MaxDepth = depth, MaxBoundaries = boundaries })
                    .DiscoverRangesAsync("bucket", "");
                var parallel = new ParallelLister(lister, new ParallelListingOptions { MaxConcurrentRanges = concurrency, ReadAheadPerRange = readAhead });

                var listed = await parallel.ListAsync("bucket", ranges).Select(static o => o.Key).ToListAsync();
                var sequential = await lister.ListAsync("bucket", "", null, default).Select(static o => o.Key).ToListAsync();

                return listed.SequenceEqual(sequential) && lister.OpenListings == 0;
            }, iter: 300);

    [Fact]
    public async Task InterleavesKeysDirectlyAtALevelWithTheFoldersAroundThem()
    {
        string[] keys = ["p/a", "p/a.txt", "p/a/", "p/a//x", "p/a/x", "p/a0", "p/b", "p/b/c/d", "p/b0", "p/😀", "p/\uE000/x", "p/\uE000"];
        var lister = new SortedKeyLister(keys);
        var ranges = await new PrefixDiscovery(lister, new PrefixDiscoveryOptions { MaxDepth = 3 }).DiscoverRangesAsync("bucket", "p/");

        var listed = await new ParallelLister(lister, new ParallelListingOptions { ReadAheadPerRange = 1 })
            .ListAsync("bucket", ranges).Select(static o => o.Key).ToListAsync();

        Assert.True(ranges.Count > 4);
        Assert.Equal(["p/a", "p/a.txt", "p/a/", "p/a//x", "p/a/x", "p/a0", "p/b", "p/b/c/d", "p/b0", "p/\uE000", "p/\uE000/x", "p/😀"], listed);
    }

    [Fact]
    public async Task EqualsTheSequentialListingOfARealBucket()
    {
        var keys = TrickyKeys.Many().Concat(Enumerable.Range(0, 300).Select(static i => $"logs/{i % 7}/{i:D4}.gz")).ToList();
        var bucket = await _s3.SourceBucketAsync(keys);
        var lister = _s3.SourceLister(new ListingOptions { PageSize = 50 });
        var ranges = await new PrefixDiscovery(lister, new PrefixDiscoveryOptions { MaxDepth = 2 }).DiscoverRangesAsync(bucket, "");

        var parallel = await new ParallelLister(lister, new ParallelListingOptions { MaxConcurrentRanges = 4, ReadAheadPerRange = 10 })
            .ListAsync(bucket, ranges).Select(static o => o.Key).ToListAsync();
        var sequential = await lister.ListAsync(bucket, "", null, default).Select(static o => o.Key).ToListAsync();

        Assert.True(ranges.Count > 10);
        Assert.Equal(TrickyKeys.InS3Order(keys), sequential);
        Assert.Equal(sequential, parallel);
    }

    [Fact]
    public async Task AFailingRangeEndsTheStreamAfterTheKeysBeforeIt()
    {
        var lister = new SortedKeyLister(["a/1", "a/2", "b/1", "b/2", "b/3", "c/1"]) { FailBefore = "b/2" };
        var ranges = KeyRange.Split("", ["a/2", "b/2"]);
        var listed = new List<string>();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var listedObject in new ParallelLister(lister).ListAsync("bucket", ranges))
            {
                listed.Add(listedObject.Key);
            }
        });

        Assert.Equal("listing failed before 'b/2'", error.Message);
        Assert.Equal(["a/1", "a/2", "b/1"], listed);
        Assert.Equal(0, lister.OpenListings);
    }

    [Fact]
    public async Task StoppingEarlyStopsEveryRangeBeingListed()
    {
        var lister = new SortedKeyLister(Enumerable.Range(0, 2000).Select(static i => $"{i % 20:D2}/{i:D4}"));
        var ranges = KeyRange.Split("", Enumerable.Range(1, 19).Select(static i => $"{i:D2}/"));

        var firstFew = await new ParallelLister(lister, new ParallelListingOptions { MaxConcurrentRanges = 6, ReadAheadPerRange = 3 })
            .ListAsync("bucket", ranges).Take(5).ToListAsync();

        Assert.Equal(5, firstFew.Count);
        Assert.Equal(6, lister.ListingsStarted);
        Assert.Equal(0, lister.OpenListings);
    }

    [Fact]
    public async Task RefusesRangesThatOverlapOrAreOutOfOrder()
    {
        var lister = new SortedKeyLister(["a"]);

        var overlap = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await new ParallelLister(lister).ListAsync("bucket", [new KeyRange("a/"), new KeyRange("a/b/")]).ToListAsync());
        var backwards = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await new ParallelLister(lister).ListAsync("bucket", [new KeyRange("b/"), new KeyRange("a/")]).ToListAsync());

        Assert.Contains("disjoint", overlap.Message, StringComparison.Ordinal);
        Assert.Contains("disjoint", backwards.Message, StringComparison.Ordinal);
    }
}
