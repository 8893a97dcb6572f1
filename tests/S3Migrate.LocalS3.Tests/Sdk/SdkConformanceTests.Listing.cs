using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3Migrate.LocalS3.Tests.Sdk;

public abstract partial class SdkConformanceTests
{
    [Fact]
    public async Task ListObjectsV2ReturnsKeysInUtf8ByteOrderAcrossPages()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        string[] keys = ["b", "a", "😀", "\uE000", "a/b", "a b", "é", "Z"];
        foreach (var key in keys)
        {
            await PutBytesAsync(client, bucket, key, [1]);
        }

        var listed = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 3, ContinuationToken = token });
            pages++;
            listed.AddRange(page.S3Objects.Select(static o => o.Key));
            Assert.Equal(page.S3Objects.Count, page.KeyCount);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        var expected = keys.OrderBy(static k => Encoding.UTF8.GetBytes(k), Comparer<byte[]>.Create(static (x, y) => x.AsSpan().SequenceCompareTo(y)));
        Assert.Equal(expected, listed);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task DelimiterGroupsCommonPrefixesAndPagesSkipThem()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        foreach (var key in new[] { "photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/index.html", "photos/zeta/x", "readme" })
        {
            await PutBytesAsync(client, bucket, key, [1]);
        }

        var all = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "photos/", Delimiter = "/" });
        Assert.Equal(["photos/2024/", "photos/2025/", "photos/zeta/"], all.CommonPrefixes);
        Assert.Equal("photos/index.html", Assert.Single(all.S3Objects).Key);

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = bucket, Prefix = "photos/", Delimiter = "/", MaxKeys = 1, ContinuationToken = token,
            });
            seen.AddRange(page.CommonPrefixes);
            seen.AddRange(page.S3Objects.Select(static o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        Assert.Equal(["photos/2024/", "photos/2025/", "photos/index.html", "photos/zeta/"], seen);
    }

    [Fact]
    public async Task StartAfterIsExclusiveAndMalformedTokenIsRejected()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        foreach (var key in new[] { "a", "b", "c" })
        {
            await PutBytesAsync(client, bucket, key, [1]);
        }

        var after = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, StartAfter = "a" });
        Assert.Equal(["b", "c"], after.S3Objects.Select(static o => o.Key));

        await AssertS3ErrorAsync("InvalidArgument", HttpStatusCode.BadRequest,
            () => client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, ContinuationToken = "not-a-token" }));
    }

    [Fact]
    public async Task UrlEncodedListingCarriesKeysThatXmlCannot()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        const string awkward = "ctl\u0001key with space+plus%percent";
        await PutBytesAsync(client, bucket, awkward, [1]);

        var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Encoding = EncodingType.Url });

        var key = Assert.Single(page.S3Objects).Key;
        Assert.True(key == awkward || Uri.UnescapeDataString(key) == awkward, $"listed key {key}");
    }

    [Fact]
    public async Task ListObjectsVersionOneUsesMarkers()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        foreach (var key in new[] { "a", "b", "c", "d" })
        {
            await PutBytesAsync(client, bucket, key, [1]);
        }

        var first = await client.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, MaxKeys = 2 });
        Assert.True(first.IsTruncated);
        var second = await client.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, Marker = first.S3Objects[^1].Key });

        Assert.Equal(["a", "b", "c", "d"], first.S3Objects.Concat(second.S3Objects).Select(static o => o.Key));
    }

    [Fact]
    public async Task VersioningKeepsOldVersionsAndDeleteMarkersHideTheKey()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        await client.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        Assert.Equal(VersionStatus.Enabled, (await client.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);

        var v1 = await PutBytesAsync(client, bucket, "k", [1]);
        var v2 = await PutBytesAsync(client, bucket, "k", [2]);
        Assert.NotEqual(v1.VersionId, v2.VersionId);
        Assert.Equal(new byte[] { 1 }, await GetBytesAsync(client, bucket, "k", v1.VersionId));
        Assert.Equal(new byte[] { 2 }, await GetBytesAsync(client, bucket, "k"));

        var deleted = await client.DeleteObjectAsync(bucket, "k");
        Assert.Equal("true", deleted.DeleteMarker);
        await AssertS3ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => client.GetObjectAsync(bucket, "k"));
        await AssertS3ErrorAsync("MethodNotAllowed", HttpStatusCode.MethodNotAllowed,
            () => client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = deleted.VersionId }));
        Assert.Empty((await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects);

        var versions = await client.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        Assert.Equal([deleted.VersionId, v2.VersionId, v1.VersionId], versions.Versions.Select(static v => v.VersionId));
        Assert.True(versions.Versions[0].IsDeleteMarker);
        Assert.True(versions.Versions[0].IsLatest);

        await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = deleted.VersionId });
        Assert.Equal(new byte[] { 2 }, await GetBytesAsync(client, bucket, "k"));
        await AssertS3ErrorAsync("NoSuchVersion", HttpStatusCode.NotFound,
            () => client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = "0000000000000000ffffffffffffffff" }));
    }

    [Fact]
    public async Task SuspendedVersioningOverwritesTheNullVersion()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        var unversioned = await PutBytesAsync(client, bucket, "k", [0]);
        await client.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        var versioned = await PutBytesAsync(client, bucket, "k", [1]);
        await client.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Suspended },
        });
        await PutBytesAsync(client, bucket, "k", [2]);
        await PutBytesAsync(client, bucket, "k", [3]);

        var versions = await client.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        Assert.Null(unversioned.VersionId);
        Assert.Equal(["null", versioned.VersionId], versions.Versions.Select(static v => v.VersionId));
        Assert.Equal(new byte[] { 3 }, await GetBytesAsync(client, bucket, "k", "null"));
        Assert.Equal(new byte[] { 1 }, await GetBytesAsync(client, bucket, "k", versioned.VersionId));
    }

    [Fact]
    public async Task CopySourceCanNameAnOlderVersion()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        await client.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        var old = await PutBytesAsync(client, bucket, "k", [1]);
        await PutBytesAsync(client, bucket, "k", [2]);

        var copy = await client.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "k", SourceVersionId = old.VersionId, DestinationBucket = bucket, DestinationKey = "restored",
        });

        Assert.Equal(old.VersionId, copy.SourceVersionId);
        Assert.Equal(new byte[] { 1 }, await GetBytesAsync(client, bucket, "restored"));
    }
}
