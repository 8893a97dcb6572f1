using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migrate.Transfer.Listing;
using S3Migrate.Transfer.Retry;

namespace S3Migrate.Transfer.Tests.Listing;

/// <summary>Listings against LocalS3 come out complete, exact and in S3's UTF-8 byte order, page after page.</summary>
public sealed class S3ObjectListerTests : IAsyncLifetime
{
    private ListingBuckets _s3 = null!;

    public async Task InitializeAsync() => _s3 = await ListingBuckets.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task ListsEveryTrickyKeyExactlyAndInUtf8ByteOrderAcrossPages()
    {
        var keys = TrickyKeys.Many();
        Assert.True(keys.Count > ListingOptions.S3MaximumPageSize);
        var bucket = await _s3.SourceBucketAsync(keys);
        var pagesBefore = _s3.S3.Global.Counters.Requests("ListObjectsV2");

        var listed = await _s3.SourceLister().ListAsync(bucket, "", null, default).Select(static o => o.Key).ToListAsync();

        Assert.Equal(TrickyKeys.InS3Order(keys), listed);
        Assert.Equal((keys.Count + ListingOptions.S3MaximumPageSize - 1) / ListingOptions.S3MaximumPageSize,
            _s3.S3.Global.Counters.Requests("ListObjectsV2") - pagesBefore);
    }

    [Fact]
    public async Task EmojiSortAfterPrivateUseCharactersAsInUtf8NotBeforeAsInUtf16()
    {
        var bucket = await _s3.SourceBucketAsync("\uE000", "😀", "\uFFFD", "z");

        var listed = await _s3.SourceLister().ListAsync(bucket, "", null, default).Select(static o => o.Key).ToListAsync();

        Assert.Equal(["z", "\uE000", "\uFFFD", "😀"], listed);
    }

    [Fact]
    public async Task ListsOnlyUnderThePrefixAndAfterTheStartKeyWithSmallPages()
    {
        var keys = TrickyKeys.Many();
        var bucket = await _s3.SourceBucketAsync(keys);
        const string Prefix = "a";
        const string StartAfter = "a%2Fb+";

        var listed = await _s3.SourceLister(new ListingOptions { PageSize = 7 })
            .ListAsync(bucket, Prefix, StartAfter, default).Select(static o => o.Key).ToListAsync();

        var expected = TrickyKeys.InS3Order(keys.Where(static k => k.StartsWith(Prefix, StringComparison.Ordinal)))
            .SkipWhile(static k => k != StartAfter).Skip(1).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, listed);
    }

    [Fact]
    public async Task KeysThatUrlDecodingCouldConfuseComeBackExactly()
    {
        string[] keys = ["a+b", "a b", "a%20b", "a%2Bb", "100%", "%41", "ü+ü", "x\u0001y", "+ +"];
        var bucket = await _s3.SourceBucketAsync(keys);

        var listed = await _s3.SourceLister().ListAsync(bucket, "", null, default).Select(static o => o.Key).ToListAsync();

        Assert.Equal(TrickyKeys.InS3Order(keys), listed);
    }

    [Fact]
    public async Task TheSdkHandsOverUrlEncodedKeysWithoutDecodingThem()
    {
        // The lister decodes keys itself; this pins down that the SDK does not already do it (twice would be wrong).
        var bucket = await _s3.SourceBucketAsync("a+b", "a b", "ü", "%", "\u0001");

        var page = await _s3.SourceClient.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Encoding = EncodingType.Url });

        Assert.Equal(EncodingType.Url, page.Encoding);
        Assert.Equal(["%01", "%25", "a%20b", "a%2Bb", "%C3%BC"], (page.S3Objects ?? []).Select(static o => o.Key));
    }

    [Fact]
    public async Task ReportsSizeUnquotedETagUtcTimeAndStorageClass()
    {
        var bucket = await _s3.SourceBucketAsync();
        await ListingBuckets.PutAsync(_s3.SourceClient, bucket, "k", [1, 2, 3]);

        var listed = Assert.Single(await _s3.SourceLister().ListAsync(bucket, "", null, default).ToListAsync());

        Assert.Equal(3, listed.Size);
        Assert.Equal("5289df737df57326fcdd22597afb1fac", listed.ETag);
        Assert.Equal(TimeSpan.Zero, listed.LastModified!.Value.Offset);
        Assert.InRange(listed.LastModified.Value, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal("STANDARD", listed.StorageClass);
    }

    [Fact]
    public async Task CommonPrefixesComeBackDecodedAndInOrder()
    {
        string[] keys = ["p/a b/1", "p/a+b/1", "p/😀/1", "p/\uE000/1", "p//1", "p/direct", "p/x%2Fy/1", "q/other/1"];
        var bucket = await _s3.SourceBucketAsync(keys);

        var prefixes = await _s3.SourceLister(new ListingOptions { PageSize = 2 }).ListCommonPrefixesAsync(bucket, "p/", "/", default).ToListAsync();

        Assert.Equal(TrickyKeys.InS3Order(["p/a b/", "p/a+b/", "p/😀/", "p/\uE000/", "p//", "p/x%2Fy/"]), prefixes);
    }

    [Fact]
    public async Task RequesterPaysBucketsAreListedOnlyWhenTheListingAcceptsTheCharge()
    {
        var bucket = await _s3.SourceBucketAsync("k");
        await _s3.SourceClient.PutBucketRequestPaymentAsync(new PutBucketRequestPaymentRequest
        {
            BucketName = bucket,
            RequestPaymentConfiguration = new RequestPaymentConfiguration { Payer = "Requester" },
        });

        var refused = await Assert.ThrowsAsync<PermanentTransferException>(async () => await _s3.SourceLister().ListAsync(bucket, "", null, default).ToListAsync());
        var listed = await _s3.SourceLister(new ListingOptions { RequesterPays = true }).ListAsync(bucket, "", null, default).ToListAsync();

        Assert.Equal(HttpStatusCode.Forbidden, Assert.IsType<AmazonS3Exception>(refused.InnerException).StatusCode);
        Assert.Equal("k", Assert.Single(listed).Key);
    }

    [Fact]
    public async Task StopsReadingPagesWhenTheConsumerStops()
    {
        var bucket = await _s3.SourceBucketAsync(Enumerable.Range(0, 30).Select(static i => $"k{i:D2}"));
        var before = _s3.S3.Global.Counters.Requests("ListObjectsV2");

        var firstFew = await _s3.SourceLister(new ListingOptions { PageSize = 5 }).ListAsync(bucket, "", null, default).Take(7).ToListAsync();

        // The server counts a request once its response is written, which may be just after the client has read it.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (_s3.S3.Global.Counters.Requests("ListObjectsV2") - before < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await Task.Delay(200);
        Assert.Equal(7, firstFew.Count);
        Assert.Equal(2, _s3.S3.Global.Counters.Requests("ListObjectsV2") - before);
    }
}
