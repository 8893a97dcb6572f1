using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3Migrate.LocalS3.Tests.Sdk;

public abstract partial class SdkConformanceTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(81_921)]
    [InlineData(3 * TestData.MiB + 17)]
    public async Task ObjectRoundTripsByteForByteWithMd5ETag(int size)
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        var data = TestData.Bytes(size, size);

        var put = await PutBytesAsync(client, bucket, "dir/object.bin", data);

        Assert.Equal(TestData.Md5Hex(data), TestData.Unquote(put.ETag));
        Assert.Equal(data, await GetBytesAsync(client, bucket, "dir/object.bin"));
        var head = await client.GetObjectMetadataAsync(bucket, "dir/object.bin");
        Assert.Equal(size, head.ContentLength);
        Assert.Equal(put.ETag, head.ETag);
    }

    [Fact]
    public async Task MetadataHeadersStorageClassTagsAndEncryptionRoundTrip()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = "meta",
            ContentBody = "payload",
            ContentType = "application/x-test",
            StorageClass = S3StorageClass.StandardInfrequentAccess,
            TagSet = [new Tag { Key = "team", Value = "data" }, new Tag { Key = "env", Value = "test run" }],
            WebsiteRedirectLocation = "/elsewhere",
        };
        request.Metadata.Add("owner", "alice");
        request.Metadata.Add("Mixed-Case", "Value With Spaces");
        request.Headers.ContentEncoding = "identity";
        request.Headers.ContentLanguage = "en-GB";
        request.Headers.ContentDisposition = "attachment; filename=\"a.txt\"";
        request.Headers.CacheControl = "max-age=60";
        await client.PutObjectAsync(request);

        using var response = await client.GetObjectAsync(bucket, "meta");
        Assert.Equal("application/x-test", response.Headers.ContentType);
        Assert.Equal("identity", response.Headers.ContentEncoding);
        Assert.Equal("en-GB", response.Headers.ContentLanguage);
        Assert.Equal("attachment; filename=\"a.txt\"", response.Headers.ContentDisposition);
        Assert.Equal("max-age=60", response.Headers.CacheControl);
        Assert.Equal("alice", response.Metadata["x-amz-meta-owner"]);
        Assert.Equal("Value With Spaces", response.Metadata["x-amz-meta-mixed-case"]);
        Assert.Equal(S3StorageClass.StandardInfrequentAccess, response.StorageClass);
        Assert.Equal(2, response.TagCount);
        Assert.Equal("/elsewhere", response.WebsiteRedirectLocation);
        Assert.Equal(ServerSideEncryptionMethod.AES256, response.ServerSideEncryptionMethod);

        var tags = await client.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "meta" });
        Assert.Equal(["env=test run", "team=data"], tags.Tagging.Select(static t => $"{t.Key}={t.Value}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ObjectTaggingCanBeReplacedAndDeleted()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        await PutBytesAsync(client, bucket, "k", [1]);

        await client.PutObjectTaggingAsync(new PutObjectTaggingRequest
        {
            BucketName = bucket,
            Key = "k",
            Tagging = new Tagging { TagSet = [new Tag { Key = "a", Value = "1" }] },
        });
        Assert.Equal("a", Assert.Single((await client.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k" })).Tagging).Key);

        await client.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = bucket, Key = "k" });
        Assert.Empty((await client.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k" })).Tagging);
    }

    [Fact]
    public async Task TooManyTagsAreRejected()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        var request = new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" };
        request.TagSet = [.. Enumerable.Range(0, 11).Select(static i => new Tag { Key = $"k{i}", Value = "v" })];

        await AssertS3ErrorAsync("InvalidTag", HttpStatusCode.BadRequest, () => client.PutObjectAsync(request));
    }

    [Fact]
    public async Task KmsEncryptedObjectHasKeyIdAndAnETagThatIsNotItsMd5()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        var data = TestData.Bytes(1000);

        var put = await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "kms",
            InputStream = new MemoryStream(data),
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = "arn:aws:kms:us-east-1:111122223333:key/test",
        });

        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, put.ServerSideEncryptionMethod);
        Assert.NotEqual(TestData.Md5Hex(data), TestData.Unquote(put.ETag));
        var head = await client.GetObjectMetadataAsync(bucket, "kms");
        Assert.Equal("arn:aws:kms:us-east-1:111122223333:key/test", head.ServerSideEncryptionKeyManagementServiceKeyId);
        Assert.Equal(data, await GetBytesAsync(client, bucket, "kms"));
    }

    [Fact]
    public async Task MissingObjectIsNoSuchKeyAndHeadIs404()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);

        await AssertS3ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => client.GetObjectAsync(bucket, "absent"));
        await AssertS3ErrorAsync(string.Empty, HttpStatusCode.NotFound, () => client.GetObjectMetadataAsync(bucket, "absent"));
    }

    [Fact]
    public async Task WrongContentMd5IsBadDigestAndNothingIsStored()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);

        await AssertS3ErrorAsync("BadDigest", HttpStatusCode.BadRequest, () => client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "k",
            InputStream = new MemoryStream(TestData.Bytes(5000)),
            MD5Digest = TestData.Md5Base64(TestData.Bytes(5000, seed: 2)),
        }));
        await AssertS3ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => client.GetObjectAsync(bucket, "k"));
    }

    [Fact]
    public async Task CorrectContentMd5IsAccepted()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        var data = TestData.Bytes(5000);

        var put = await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "k",
            InputStream = new MemoryStream(data),
            MD5Digest = TestData.Md5Base64(data),
        });

        Assert.Equal(TestData.Md5Hex(data), TestData.Unquote(put.ETag));
    }

    [Fact]
    public async Task AdditionalChecksumIsStoredAndReturnedOnRequest()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        var data = TestData.Bytes(200_000);

        await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "k",
            InputStream = new MemoryStream(data),
            ChecksumSHA256 = Convert.ToBase64String(SHA256.HashData(data)),
        });

        using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(data)), response.ChecksumSHA256);
        Assert.Equal(data, await TestData.ReadAllAsync(response.ResponseStream));
    }

    [Fact]
    public async Task ChecksumThatDoesNotMatchTheBytesIsBadDigest()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);

        await AssertS3ErrorAsync("BadDigest", HttpStatusCode.BadRequest, () => client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "k",
            InputStream = new MemoryStream(TestData.Bytes(1000)),
            ChecksumCRC32 = "AAAAAA==",
        }));
    }

    [Fact]
    public async Task RangesReturnPartialContent()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        var data = TestData.Bytes(1000);
        await PutBytesAsync(client, bucket, "k", data);

        using (var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", ByteRange = new ByteRange(100, 199) }))
        {
            Assert.Equal(HttpStatusCode.PartialContent, response.HttpStatusCode);
            Assert.Equal("bytes 100-199/1000", response.ContentRange);
            Assert.Equal(data[100..200], await TestData.ReadAllAsync(response.ResponseStream));
        }

        using (var suffix = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", ByteRange = new ByteRange("bytes=-10") }))
        {
            Assert.Equal(data[990..], await TestData.ReadAllAsync(suffix.ResponseStream));
        }

        await AssertS3ErrorAsync("InvalidRange", HttpStatusCode.RequestedRangeNotSatisfiable,
            () => client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", ByteRange = new ByteRange(1000, 1100) }));
    }

    [Fact]
    public async Task ReadConditionsFollowS3Precedence()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        var put = await PutBytesAsync(client, bucket, "k", [1, 2, 3]);
        var past = DateTime.UtcNow.AddHours(-1);
        var future = DateTime.UtcNow.AddHours(1);

        await AssertS3ErrorAsync(string.Empty, HttpStatusCode.PreconditionFailed,
            () => client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", EtagToMatch = "\"0123\"" }));
        await AssertS3ErrorAsync(string.Empty, HttpStatusCode.NotModified,
            () => client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", EtagToNotMatch = put.ETag }));
        await AssertS3ErrorAsync(string.Empty, HttpStatusCode.PreconditionFailed,
            () => client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", UnmodifiedSinceDate = past }));
        await AssertS3ErrorAsync(string.Empty, HttpStatusCode.NotModified,
            () => client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", ModifiedSinceDate = DateTime.UtcNow }));

        // A date in the future is ignored, as S3 does.
        using var ignored = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", ModifiedSinceDate = future });
        Assert.Equal(HttpStatusCode.OK, ignored.HttpStatusCode);

        // If-Match that holds wins over a failing If-Unmodified-Since.
        using var matched = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", EtagToMatch = put.ETag, UnmodifiedSinceDate = past });
        Assert.Equal(HttpStatusCode.OK, matched.HttpStatusCode);
        using var modified = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", ModifiedSinceDate = past });
        Assert.Equal(HttpStatusCode.OK, modified.HttpStatusCode);
    }

    [Fact]
    public async Task ConditionalPutsRefuseToOverwriteOrToWriteStale()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        var first = await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "one", IfNoneMatch = "*" });

        await AssertS3ErrorAsync("PreconditionFailed", HttpStatusCode.PreconditionFailed,
            () => client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "two", IfNoneMatch = "*" }));
        await AssertS3ErrorAsync("PreconditionFailed", HttpStatusCode.PreconditionFailed,
            () => client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "two", IfMatch = "\"00000000000000000000000000000000\"" }));
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "three", IfMatch = first.ETag });

        Assert.Equal("three"u8.ToArray(), await GetBytesAsync(client, bucket, "k"));
    }

    [Fact]
    public async Task CopyObjectCopiesOrReplacesMetadata()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        var put = new PutObjectRequest { BucketName = bucket, Key = "src key ü+%.txt", ContentBody = "copy me", ContentType = "text/x-source" };
        put.Metadata.Add("origin", "source");
        await client.PutObjectAsync(put);

        var copied = await client.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "src key ü+%.txt",
            DestinationBucket = bucket,
            DestinationKey = "copy/one",
        });
        var replace = new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "src key ü+%.txt",
            DestinationBucket = bucket,
            DestinationKey = "copy/two",
            MetadataDirective = S3MetadataDirective.REPLACE,
            ContentType = "text/x-replaced",
        };
        replace.Metadata.Add("origin", "replaced");
        await client.CopyObjectAsync(replace);

        var one = await client.GetObjectMetadataAsync(bucket, "copy/one");
        var two = await client.GetObjectMetadataAsync(bucket, "copy/two");
        Assert.Equal(TestData.Md5Hex("copy me"u8.ToArray()), TestData.Unquote(copied.ETag));
        Assert.Equal("text/x-source", one.Headers.ContentType);
        Assert.Equal("source", one.Metadata["x-amz-meta-origin"]);
        Assert.Equal("text/x-replaced", two.Headers.ContentType);
        Assert.Equal("replaced", two.Metadata["x-amz-meta-origin"]);
        Assert.Equal("copy me"u8.ToArray(), await GetBytesAsync(client, bucket, "copy/two"));
    }

    [Fact]
    public async Task CopyObjectHonoursSourceConditionsAndRefusesArchivedSources()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        await PutBytesAsync(client, bucket, "k", [1]);
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "cold", ContentBody = "x", StorageClass = S3StorageClass.Glacier });

        await AssertS3ErrorAsync("PreconditionFailed", HttpStatusCode.PreconditionFailed, () => client.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "k",
            DestinationBucket = bucket,
            DestinationKey = "k2",
            ETagToMatch = "\"ffffffffffffffffffffffffffffffff\"",
        }));
        await AssertS3ErrorAsync("InvalidObjectState", HttpStatusCode.Forbidden,
            () => client.CopyObjectAsync(bucket, "cold", bucket, "warm"));
        await AssertS3ErrorAsync("InvalidObjectState", HttpStatusCode.Forbidden, () => client.GetObjectAsync(bucket, "cold"));
        var head = await client.GetObjectMetadataAsync(bucket, "cold");
        Assert.Equal(S3StorageClass.Glacier, head.StorageClass);
    }

    [Fact]
    public async Task CopyingAnObjectOntoItselfWithoutChangesIsRejected()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        await PutBytesAsync(client, bucket, "k", [1]);

        await AssertS3ErrorAsync("InvalidRequest", HttpStatusCode.BadRequest, () => client.CopyObjectAsync(bucket, "k", bucket, "k"));
        await client.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "k",
            DestinationBucket = bucket,
            DestinationKey = "k",
            StorageClass = S3StorageClass.StandardInfrequentAccess,
        });
        Assert.Equal(S3StorageClass.StandardInfrequentAccess, (await client.GetObjectMetadataAsync(bucket, "k")).StorageClass);
    }

    [Fact]
    public async Task DeleteObjectsReportsEachKeyUnlessQuiet()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        foreach (var key in new[] { "a", "b", "c", "d" })
        {
            await PutBytesAsync(client, bucket, key, [1]);
        }

        var verbose = await client.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Objects = [new KeyVersion { Key = "a" }, new KeyVersion { Key = "b" }, new KeyVersion { Key = "never-existed" }],
        });
        var quiet = await client.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Quiet = true,
            Objects = [new KeyVersion { Key = "c" }],
        });

        Assert.Equal(["a", "b", "never-existed"], verbose.DeletedObjects.Select(static d => d.Key).Order(StringComparer.Ordinal));
        Assert.Empty(quiet.DeletedObjects);
        var remaining = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal("d", Assert.Single(remaining.S3Objects).Key);
    }

    [Fact]
    public async Task KeysLongerThan1024BytesAreRejected()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);

        await AssertS3ErrorAsync("KeyTooLongError", HttpStatusCode.BadRequest,
            () => client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = new string('é', 513), ContentBody = "x" }));
    }
}
