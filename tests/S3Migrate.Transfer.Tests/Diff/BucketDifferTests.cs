using CsCheck;
using S3Migrate.Transfer.Diff;
using S3Migrate.Transfer.Listing;
using S3Migrate.Transfer.Tests.Listing;

namespace S3Migrate.Transfer.Tests.Diff;

/// <summary>The sorted merge finds every difference between two listings, and refuses listings it cannot trust.</summary>
public sealed class BucketDifferTests
{
    private const string Md5A = "0cc175b9c0f1b6a831c399e269772661";
    private const string Md5B = "92eb5ffee6ae2fec3ad71c777531578f";

    private static readonly KeyMapping Mapping = new("src/", "dst/");

    [Fact]
    public async Task ReportsMissingChangedExtraAndSameOnTheKeyRelativeToEachPrefix()
    {
        ListedObject[] source = [Obj("src/changed-etag", 1, Md5A), Obj("src/changed-size", 1, Md5A), Obj("src/missing", 5, Md5A), Obj("src/same", 1, Md5A), Obj("src/😀", 1, Md5A)];
        ListedObject[] destination = [Obj("dst/changed-etag", 1, Md5B), Obj("dst/changed-size", 2, Md5A), Obj("dst/extra", 7, Md5A), Obj("dst/same", 1, Md5A), Obj("dst/😀", 1, Md5A)];
        var counters = new DiffCounters();

        var entries = await Differ(new DiffOptions { Mapping = Mapping, IncludeExtras = true, EmitSame = true })
            .DiffAsync(Stream(source), Stream(destination), counters).ToListAsync();

        Assert.Equal(
            [
                (DiffKind.Changed, "src/changed-etag", "dst/changed-etag", ChangeReason.ETag),
                (DiffKind.Changed, "src/changed-size", "dst/changed-size", ChangeReason.Size),
                (DiffKind.Extra, "src/extra", "dst/extra", ChangeReason.None),
                (DiffKind.Missing, "src/missing", "dst/missing", ChangeReason.None),
                (DiffKind.Same, "src/same", "dst/same", ChangeReason.None),
                (DiffKind.Same, "src/😀", "dst/😀", ChangeReason.None),
            ],
            entries.Select(static e => (e.Kind, e.SourceKey, e.DestinationKey, e.Changes)));
        Assert.Equal(new DiffTotals(5, 9, 1, 5, 2, 2, 2, 2, 1, 7, 0, 0), counters.Snapshot());
    }

    [Fact]
    public async Task ByDefaultEmitsOnlyWorkButCountsEverything()
    {
        ListedObject[] source = [Obj("a", 1), Obj("b", 1), Obj("c", 1)];
        ListedObject[] destination = [Obj("a", 1), Obj("b", 2), Obj("z", 1)];
        var counters = new DiffCounters();

        var entries = await Differ(new DiffOptions()).DiffAsync(Stream(source), Stream(destination), counters).ToListAsync();

        Assert.Equal([(DiffKind.Changed, "b"), (DiffKind.Missing, "c")], entries.Select(static e => (e.Kind, e.SourceKey)));
        var totals = counters.Snapshot();
        Assert.Equal((1, 1, 1, 1), (totals.Same, totals.Changed, totals.Missing, totals.Extra));
        Assert.Equal((2, 2), (totals.ToCopy, totals.BytesToCopy));
    }

    [Fact]
    public async Task MergesInUtf8OrderWhereUtf16OrderWouldPairTheWrongKeys()
    {
        ListedObject[] source = [Obj("\uE000"), Obj("😀")];
        ListedObject[] destination = [Obj("\uE000"), Obj("😀")];

        var entries = await Differ(new DiffOptions { EmitSame = true }).DiffAsync(Stream(source), Stream(destination)).ToListAsync();

        Assert.All(entries, static e => Assert.Equal(DiffKind.Same, e.Kind));
        Assert.Equal(2, entries.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RefusesAnUnsortedListingNamingBothKeys(bool sourceUnsorted)
    {
        ListedObject[] sorted = [Obj("a"), Obj("b"), Obj("c")];
        ListedObject[] unsorted = [Obj("a"), Obj("😀"), Obj("\uE000")];

        var error = await Assert.ThrowsAsync<ListingOrderException>(async () => await Differ(new DiffOptions())
            .DiffAsync(Stream(sourceUnsorted ? unsorted : sorted), Stream(sourceUnsorted ? sorted : unsorted)).ToListAsync());

        Assert.Equal(sourceUnsorted ? "source" : "destination", error.Side);
        Assert.Equal(("😀", "\uE000"), (error.PreviousKey, error.Key));
        Assert.Contains("'\uE000' came after '😀'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusesAListingThatRepeatsAKey()
    {
        var error = await Assert.ThrowsAsync<ListingOrderException>(async () => await Differ(new DiffOptions())
            .DiffAsync(Stream([Obj("a"), Obj("a\u0001"), Obj("a\u0001")]), Stream([])).ToListAsync());

        Assert.Contains("'a\\u0001' came after 'a\\u0001'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusesKeysOutsideTheirSidesPrefix()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await Differ(new DiffOptions { Mapping = Mapping })
            .DiffAsync(Stream([Obj("src/a")]), Stream([Obj("other/a")])).ToListAsync());

        Assert.Contains("destination listing returned 'other/a', which is not under its prefix 'dst/'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FiltersSourceKeysAndTheExtrasThatMapBackToThem()
    {
        ListedObject[] source = [Obj("src/keep.jpg"), Obj("src/skip.tmp")];
        ListedObject[] destination = [Obj("dst/old.jpg"), Obj("dst/old.tmp")];
        var counters = new DiffCounters();
        var options = new DiffOptions { Mapping = Mapping, Filter = new KeyFilter([], ["*.tmp"]), IncludeExtras = true };

        var entries = await Differ(options).DiffAsync(Stream(source), Stream(destination), counters).ToListAsync();

        Assert.Equal([(DiffKind.Missing, "dst/keep.jpg"), (DiffKind.Extra, "dst/old.jpg")], entries.Select(static e => (e.Kind, e.DestinationKey)));
        Assert.Equal(2, counters.Snapshot().Filtered);
    }

    [Fact]
    public async Task LastModifiedCountsOnlyWhenAsked()
    {
        var time = DateTimeOffset.Parse("2024-05-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        ListedObject[] source = [Obj("a") with { LastModified = time.AddHours(1) }];
        ListedObject[] destination = [Obj("a") with { LastModified = time }];

        Assert.Empty(await Differ(new DiffOptions()).DiffAsync(Stream(source), Stream(destination)).ToListAsync());
        var entry = Assert.Single(await Differ(new DiffOptions { CompareLastModified = true }).DiffAsync(Stream(source), Stream(destination)).ToListAsync());
        Assert.Equal(ChangeReason.LastModified, entry.Changes);
    }

    [Fact]
    public async Task AgreesWithASetBasedDiffForAnyListings() =>
        await Gen.Select(KeyGen.FolderyKeys, KeyGen.FolderyKeys, Gen.Int[0, 2]).SampleAsync(async (sourceKeys, destinationKeys, sizeSeed) =>
        {
            var source = TrickyKeys.InS3Order(sourceKeys.Distinct(StringComparer.Ordinal)).Select(k => Obj("src/" + k, k.Length % (sizeSeed + 1))).ToList();
            var destination = TrickyKeys.InS3Order(destinationKeys.Distinct(StringComparer.Ordinal)).Select(k => Obj("dst/" + k, k.Length % 2)).ToList();
            var byKey = destination.ToDictionary(static o => o.Key, StringComparer.Ordinal);
            var expected = source.Select(s => byKey.TryGetValue(Mapping.Map(s.Key), out var d)
                    ? (s.Size == d.Size ? DiffKind.Same : DiffKind.Changed, s.Key)
                    : (DiffKind.Missing, s.Key))
                .Concat(destination.Where(d => !source.Any(s => Mapping.Map(s.Key) == d.Key)).Select(d => (DiffKind.Extra, Mapping.Unmap(d.Key))))
                .OrderBy(static e => e.Item2, StringComparer.Ordinal).ToList();

            var entries = await Differ(new DiffOptions { Mapping = Mapping, EmitSame = true, IncludeExtras = true })
                .DiffAsync(Stream(source), Stream(destination)).Select(static e => (e.Kind, e.SourceKey)).ToListAsync();

            return entries.OrderBy(static e => e.SourceKey, StringComparer.Ordinal).SequenceEqual(expected);
        }, iter: 500);

    [Fact]
    public async Task ResumingFromTheCountersPositionGivesExactlyTheEntriesNotYetReceived() =>
        await Gen.Select(KeyGen.FolderyKeys, KeyGen.FolderyKeys, Gen.Int[0, 40]).SampleAsync(async (sourceKeys, destinationKeys, received) =>
        {
            var source = new SortedKeyLister(sourceKeys.Select(static k => "src/" + k));
            var destination = new SortedKeyLister(destinationKeys.Select(static k => "dst/" + k));
            var differ = Differ(new DiffOptions { Mapping = Mapping, IncludeExtras = true });
            var all = await differ.DiffAsync(source.ListAsync("s", "src/", null), destination.ListAsync("d", "dst/", null)).ToListAsync();
            var counters = new DiffCounters();
            var first = new List<DiffEntry>();
            if (received > 0)
            {
                await foreach (var entry in differ.DiffAsync(source.ListAsync("s", "src/", null), destination.ListAsync("d", "dst/", null), counters))
                {
                    first.Add(entry);
                    if (first.Count == received)
                    {
                        break;
                    }
                }
            }

            var position = counters.Position;
            var rest = await differ.DiffAsync(
                source.ListAsync("s", "src/", position),
                destination.ListAsync("d", "dst/", position is null ? null : Mapping.Map(position))).ToListAsync();
            return first.Concat(rest).SequenceEqual(all);
        }, iter: 300);

    private static BucketDiffer Differ(DiffOptions options) => new(options);

    private static ListedObject Obj(string key, long size = 1, string etag = Md5A) => new(key, size, etag, null, "STANDARD");

    private static async IAsyncEnumerable<ListedObject> Stream(IEnumerable<ListedObject> objects)
    {
        foreach (var listed in objects)
        {
            await Task.Yield();
            yield return listed;
        }
    }
}
