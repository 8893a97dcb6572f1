using System.Text;
using Amazon.S3.Model;
using S3Migrate.Transfer.Diff;
using S3Migrate.Transfer.Listing;
using S3Migrate.Transfer.Tests.Listing;

namespace S3Migrate.Transfer.Tests.Diff;

/// <summary>A manifest's keys are checked at both ends and each reported, in order — missing source keys included.</summary>
public sealed class ManifestListerTests : IAsyncLifetime
{
    private ListingBuckets _s3 = null!;

    public async Task InitializeAsync() => _s3 = await ListingBuckets.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task ReportsEachKeyInManifestOrderAndNeverDropsOneTheSourceLacks()
    {
        var (source, destination) = await BucketsAsync();
        var counters = new DiffCounters();
        const string Manifest = "same\nb b\n/leading\ngone\nc+d\nskip.tmp\n%2F\n";

        var entries = await Lister(source, destination, new DiffOptions { Mapping = new KeyMapping("", "m/"), Filter = new KeyFilter([], ["*.tmp"]), EmitSame = true })
            .DiffAsync(new StringReader(Manifest), counters).ToListAsync();

        Assert.Equal(
            [
                (DiffKind.Same, "same", "m/same", ChangeReason.None),
                (DiffKind.Changed, "b b", "m/b b", ChangeReason.Size | ChangeReason.ETag),
                (DiffKind.Missing, "/leading", "m//leading", ChangeReason.None),
                (DiffKind.SourceMissing, "gone", "m/gone", ChangeReason.None),
                (DiffKind.Missing, "c+d", "m/c+d", ChangeReason.None),
                (DiffKind.Same, "%2F", "m/%2F", ChangeReason.None),
            ],
            entries.Select(static e => (e.Kind, e.SourceKey, e.DestinationKey, e.Changes)));
        var gone = entries.Single(static e => e.Kind == DiffKind.SourceMissing);
        Assert.Contains("not found at the source", gone.Detail, StringComparison.Ordinal);
        Assert.Null(gone.Source);
        Assert.Equal(5, entries.Single(static e => e.SourceKey == "c+d").Source!.Size);
        var totals = counters.Snapshot();
        Assert.Equal((2, 1, 2, 1, 1), (totals.Same, totals.Changed, totals.Missing, totals.SourceMissing, totals.Filtered));
    }

    [Fact]
    public async Task ReadsAnS3InventoryCsvAndLeavesSameKeysOutByDefault()
    {
        var (source, destination) = await BucketsAsync();
        var inventory = $"\"{source}\",\"same\",\"4\"\n\"{source}\",\"b+b\",\"3\"\n\"{source}\",\"c%2Bd\",\"5\"\n\"{source}\",\"%252F\",\"7\"\n";

        var entries = await Lister(source, destination, new DiffOptions { Mapping = new KeyMapping("", "m/") })
            .DiffAsync(new StringReader(inventory)).ToListAsync();

        Assert.Equal([(DiffKind.Changed, "b b"), (DiffKind.Missing, "c+d")], entries.Select(static e => (e.Kind, e.SourceKey)));
    }

    [Fact]
    public async Task KeysOfARequesterPaysSourceAreReadOnlyWhenTheMigrationPays()
    {
        var (source, destination) = await BucketsAsync();
        await _s3.SourceClient.PutBucketRequestPaymentAsync(new PutBucketRequestPaymentRequest
        {
            BucketName = source,
            RequestPaymentConfiguration = new RequestPaymentConfiguration { Payer = "Requester" },
        });

        var refused = Assert.Single(await Lister(source, destination, new DiffOptions()).DiffAsync(new StringReader("c+d")).ToListAsync());
        var paid = Assert.Single(await Lister(source, destination, new DiffOptions(), requesterPays: true).DiffAsync(new StringReader("c+d")).ToListAsync());

        Assert.Equal(DiffKind.SourceMissing, refused.Kind);
        Assert.Contains("AccessDenied (HTTP 403)", refused.Detail, StringComparison.Ordinal);
        Assert.Contains("s3:ListBucket", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(DiffKind.Missing, paid.Kind);
    }

    [Fact]
    public async Task AManifestRowForAnotherBucketStopsTheRunWithItsLine()
    {
        var (source, destination) = await BucketsAsync();

        var error = await Assert.ThrowsAsync<FormatException>(async () => await Lister(source, destination, new DiffOptions())
            .DiffAsync(new StringReader($"\"{source}\",\"same\"\n\"elsewhere\",\"x\"\n")).ToListAsync());

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    private ManifestLister Lister(string source, string destination, DiffOptions diff, bool requesterPays = false) => new(
        _s3.Source, _s3.Destination, _s3.Retries,
        new ManifestOptions { SourceBucket = source, DestinationBucket = destination, MaxConcurrency = 3, RequesterPaysSource = requesterPays },
        diff);

    private async Task<(string Source, string Destination)> BucketsAsync()
    {
        var source = await _s3.SourceBucketAsync();
        var destination = await _s3.DestinationBucketAsync();
        await ListingBuckets.PutAsync(_s3.SourceClient, source, "same", Encoding.UTF8.GetBytes("same"));
        await ListingBuckets.PutAsync(_s3.SourceClient, source, "b b", Encoding.UTF8.GetBytes("bbb"));
        await ListingBuckets.PutAsync(_s3.SourceClient, source, "/leading", Encoding.UTF8.GetBytes("lead"));
        await ListingBuckets.PutAsync(_s3.SourceClient, source, "c+d", Encoding.UTF8.GetBytes("c+d+e"));
        await ListingBuckets.PutAsync(_s3.SourceClient, source, "skip.tmp", Encoding.UTF8.GetBytes("tmp"));
        await ListingBuckets.PutAsync(_s3.SourceClient, source, "%2F", Encoding.UTF8.GetBytes("percent"));
        await ListingBuckets.PutAsync(_s3.DestinationClient, destination, "m/same", Encoding.UTF8.GetBytes("same"));
        await ListingBuckets.PutAsync(_s3.DestinationClient, destination, "m/b b", Encoding.UTF8.GetBytes("bbbb"));
        await ListingBuckets.PutAsync(_s3.DestinationClient, destination, "m/%2F", Encoding.UTF8.GetBytes("percent"));
        return (source, destination);
    }
}
