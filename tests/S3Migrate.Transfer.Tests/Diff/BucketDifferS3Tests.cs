using System.Text;
using S3Migrate.Transfer.Diff;
using S3Migrate.Transfer.Listing;
using S3Migrate.Transfer.Tests.Listing;

namespace S3Migrate.Transfer.Tests.Diff;

/// <summary>A diff of two real buckets (LocalS3 "global" and "china") finds exactly what a migration has to do.</summary>
public sealed class BucketDifferS3Tests : IAsyncLifetime
{
    private ListingBuckets _s3 = null!;

    public async Task InitializeAsync() => _s3 = await ListingBuckets.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task FindsEveryKindOfDifferenceBetweenACraftedPairOfBuckets()
    {
        var source = await _s3.SourceBucketAsync();
        var destination = await _s3.DestinationBucketAsync();
        await Source(source, "data/same.txt", "hello");
        await Source(source, "data/changed-size.txt", "hello");
        await Source(source, "data/changed-etag.txt", "hello");
        await Source(source, "data/missing.txt", "hello");
        await Source(source, "data/文件 名+😀.txt", "unicode");
        await Source(source, "data/\uE000private", "private use");
        await Source(source, "data/a b", "space");
        await Source(source, "data/a+b", "plus");
        await Source(source, "data//double", "double slash");
        await Source(source, "data/ctl\u0001", "control");
        await Source(source, "data/%2F", "percent");
        await Source(source, "other/not-selected", "outside the prefix");
        await Destination(destination, "backup/data/same.txt", "hello");
        await Destination(destination, "backup/data/changed-size.txt", "hello!");
        await Destination(destination, "backup/data/changed-etag.txt", "HELLO");
        await Destination(destination, "backup/data/extra.txt", "extra");
        await Destination(destination, "backup/data/文件 名+😀.txt", "unicode");
        await Destination(destination, "backup/data/a b", "space");
        await Destination(destination, "backup/data/a+b", "PLUS");
        await Destination(destination, "backup/data//double", "double slash");
        await Destination(destination, "backup/data/%2F", "percent");
        await Destination(destination, "backup/elsewhere", "outside the prefix");
        var counters = new DiffCounters();
        var differ = new BucketDiffer(new DiffOptions { Mapping = new KeyMapping("data/", "backup/data/"), IncludeExtras = true, EmitSame = true });

        var entries = await differ.DiffAsync(
            ParallelSource(source, "data/"),
            new ParallelLister(_s3.DestinationLister()).ListAsync(destination, "backup/data/", null),
            counters).ToListAsync();

        var expected = new Dictionary<string, (DiffKind, ChangeReason)>(StringComparer.Ordinal)
        {
            ["data//double"] = (DiffKind.Same, ChangeReason.None),
            ["data/%2F"] = (DiffKind.Same, ChangeReason.None),
            ["data/a b"] = (DiffKind.Same, ChangeReason.None),
            ["data/a+b"] = (DiffKind.Changed, ChangeReason.ETag),
            ["data/changed-etag.txt"] = (DiffKind.Changed, ChangeReason.ETag),
            ["data/changed-size.txt"] = (DiffKind.Changed, ChangeReason.Size | ChangeReason.ETag),
            ["data/ctl\u0001"] = (DiffKind.Missing, ChangeReason.None),
            ["data/extra.txt"] = (DiffKind.Extra, ChangeReason.None),
            ["data/missing.txt"] = (DiffKind.Missing, ChangeReason.None),
            ["data/same.txt"] = (DiffKind.Same, ChangeReason.None),
            ["data/\uE000private"] = (DiffKind.Missing, ChangeReason.None),
            ["data/文件 名+😀.txt"] = (DiffKind.Same, ChangeReason.None),
        };
        Assert.Equal(TrickyKeys.InS3Order(expected.Keys), entries.Select(static e => e.SourceKey));
        Assert.All(entries, e => Assert.Equal(expected[e.SourceKey], (e.Kind, e.Changes)));
        Assert.All(entries, e => Assert.Equal("backup/" + e.SourceKey, e.DestinationKey));
        var totals = counters.Snapshot();
        Assert.Equal((11, 3, 3, 5, 1), (totals.SourceObjects, totals.Missing, totals.Changed, totals.Same, totals.Extra));
    }

    [Fact]
    public async Task ADestinationThatIsACompleteCopyHasNothingToDo()
    {
        var keys = TrickyKeys.Many();
        var source = await _s3.SourceBucketAsync(keys);
        var destination = await _s3.DestinationBucketAsync(keys);
        var counters = new DiffCounters();

        var entries = await new BucketDiffer().DiffAsync(
            ParallelSource(source, ""), _s3.DestinationLister().ListAsync(destination, "", null, default), counters).ToListAsync();

        Assert.Empty(entries);
        Assert.Equal(keys.Count, counters.Snapshot().Same);
    }

    private IAsyncEnumerable<ListedObject> ParallelSource(string bucket, string prefix) => ListRanges(bucket, prefix);

    private async IAsyncEnumerable<ListedObject> ListRanges(string bucket, string prefix)
    {
        var lister = _s3.SourceLister(new ListingOptions { PageSize = 3 });
        var ranges = await new PrefixDiscovery(lister).DiscoverRangesAsync(bucket, prefix);
        await foreach (var listed in new ParallelLister(lister, new ParallelListingOptions { MaxConcurrentRanges = 3, ReadAheadPerRange = 2 }).ListAsync(bucket, ranges))
        {
            yield return listed;
        }
    }

    private Task Source(string bucket, string key, string text) => ListingBuckets.PutAsync(_s3.SourceClient, bucket, key, Encoding.UTF8.GetBytes(text));

    private Task Destination(string bucket, string key, string text) => ListingBuckets.PutAsync(_s3.DestinationClient, bucket, key, Encoding.UTF8.GetBytes(text));
}
