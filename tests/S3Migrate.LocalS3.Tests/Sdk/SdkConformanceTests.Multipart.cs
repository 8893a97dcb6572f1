using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migrate.LocalS3.Checksums;

namespace S3Migrate.LocalS3.Tests.Sdk;

public abstract partial class SdkConformanceTests
{
    private const int FiveMiB = 5 * TestData.MiB;

    [Fact]
    public async Task MultipartUploadCompletesWithMd5OfMd5sETagAndExactBytes()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        var parts = new[] { TestData.Bytes(FiveMiB, 1), TestData.Bytes(FiveMiB, 2), TestData.Bytes(1, 3) };
        var create = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "big",
            ContentType = "application/x-big",
        });

        var uploaded = new List<UploadPartResponse>();
        for (var i = 0; i < parts.Length; i++)
        {
            var response = await UploadPartAsync(client, bucket, "big", create.UploadId, i + 1, parts[i]);
            Assert.Equal(TestData.Md5Hex(parts[i]), TestData.Unquote(response.ETag));
            uploaded.Add(response);
        }

        var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = "big", UploadId = create.UploadId };
        complete.AddPartETags(uploaded);
        var completed = await client.CompleteMultipartUploadAsync(complete);

        var expected = Convert.ToHexStringLower(MD5.HashData(parts.SelectMany(static p => MD5.HashData(p)).ToArray())) + "-3";
        Assert.Equal(expected, TestData.Unquote(completed.ETag));
        Assert.Equal(parts.SelectMany(static p => p).ToArray(), await GetBytesAsync(client, bucket, "big"));
        var head = await client.GetObjectMetadataAsync(bucket, "big");
        Assert.Equal("application/x-big", head.Headers.ContentType);

        using var second = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "big", PartNumber = 2 });
        Assert.Equal(3, second.PartsCount);
        Assert.Equal(parts[1], await TestData.ReadAllAsync(second.ResponseStream));
    }

    [Fact]
    public async Task ListPartsPaginatesByPartNumberMarker()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        var uploadId = (await client.InitiateMultipartUploadAsync(bucket, "k")).UploadId;
        for (var number = 1; number <= 5; number++)
        {
            await UploadPartAsync(client, bucket, "k", uploadId, number, TestData.Bytes(1000 + number, number));
        }

        var seen = new List<int>();
        string? marker = null;
        var pages = 0;
        do
        {
            var page = await client.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "k", UploadId = uploadId, MaxParts = 2, PartNumberMarker = marker });
            pages++;
            seen.AddRange(page.Parts.Select(static p => p.PartNumber!.Value));
            Assert.All(page.Parts, p => Assert.Equal(1000 + p.PartNumber!.Value, p.Size));
            marker = page.IsTruncated == true ? page.NextPartNumberMarker?.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        }
        while (marker is not null);

        Assert.Equal([1, 2, 3, 4, 5], seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task ListMultipartUploadsOrdersByKeyThenInitiationAndPages()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        var first = (await client.InitiateMultipartUploadAsync(bucket, "logs/b")).UploadId;
        var second = (await client.InitiateMultipartUploadAsync(bucket, "logs/b")).UploadId;
        var other = (await client.InitiateMultipartUploadAsync(bucket, "logs/a")).UploadId;
        await client.InitiateMultipartUploadAsync(bucket, "logs/deep/x");
        await client.InitiateMultipartUploadAsync(bucket, "other");

        var all = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, Prefix = "logs/" });
        Assert.Equal([other, first, second], all.MultipartUploads.Where(static u => !u.Key.Contains("deep", StringComparison.Ordinal)).Select(static u => u.UploadId));

        var page = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, Prefix = "logs/", MaxUploads = 2 });
        Assert.True(page.IsTruncated);
        var rest = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest
        {
            BucketName = bucket,
            Prefix = "logs/",
            KeyMarker = page.NextKeyMarker,
            UploadIdMarker = page.NextUploadIdMarker,
        });
        Assert.Equal([second, all.MultipartUploads[3].UploadId], rest.MultipartUploads.Select(static u => u.UploadId));

        var grouped = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, Prefix = "logs/", Delimiter = "/" });
        Assert.Equal(["logs/deep/"], grouped.CommonPrefixes);
        Assert.Equal(3, grouped.MultipartUploads.Count);
    }

    [Fact]
    public async Task CompletionRejectsSmallPartsWrongETagsAndDisorder()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        var uploadId = (await client.InitiateMultipartUploadAsync(bucket, "k")).UploadId;
        var small = await UploadPartAsync(client, bucket, "k", uploadId, 1, TestData.Bytes(1000, 1));
        var last = await UploadPartAsync(client, bucket, "k", uploadId, 2, TestData.Bytes(1000, 2));

        await AssertS3ErrorAsync("EntityTooSmall", HttpStatusCode.BadRequest, () => Complete(client, bucket, uploadId, (1, small.ETag), (2, last.ETag)));
        await AssertS3ErrorAsync("InvalidPart", HttpStatusCode.BadRequest,
            () => Complete(client, bucket, uploadId, (1, "\"00000000000000000000000000000000\"")));
        await AssertS3ErrorAsync("InvalidPart", HttpStatusCode.BadRequest, () => Complete(client, bucket, uploadId, (3, last.ETag)));

        // A single part below the minimum is fine: the last part may be any size.
        await Complete(client, bucket, uploadId, (2, last.ETag));
        Assert.Equal(TestData.Bytes(1000, 2), await GetBytesAsync(client, bucket, "k"));
    }

    [Fact]
    public async Task AbortedUploadIsGoneForEveryOperation()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        var uploadId = (await client.InitiateMultipartUploadAsync(bucket, "k")).UploadId;
        await UploadPartAsync(client, bucket, "k", uploadId, 1, TestData.Bytes(100));

        await client.AbortMultipartUploadAsync(bucket, "k", uploadId);

        await AssertS3ErrorAsync("NoSuchUpload", HttpStatusCode.NotFound, () => UploadPartAsync(client, bucket, "k", uploadId, 2, TestData.Bytes(100)));
        await AssertS3ErrorAsync("NoSuchUpload", HttpStatusCode.NotFound,
            () => client.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "k", UploadId = uploadId }));
        await AssertS3ErrorAsync("NoSuchUpload", HttpStatusCode.NotFound, () => client.AbortMultipartUploadAsync(bucket, "k", uploadId));
        Assert.Empty((await client.ListMultipartUploadsAsync(bucket)).MultipartUploads);
    }

    [Fact]
    public async Task UploadPartCopyCopiesByteRangesServerSide()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        var source = TestData.Bytes(FiveMiB + 1000);
        await PutBytesAsync(client, bucket, "source", source);
        var uploadId = (await client.InitiateMultipartUploadAsync(bucket, "assembled")).UploadId;

        var first = await client.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket, SourceKey = "source", DestinationBucket = bucket, DestinationKey = "assembled",
            UploadId = uploadId, PartNumber = 1, FirstByte = 0, LastByte = FiveMiB - 1,
        });
        var second = await client.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket, SourceKey = "source", DestinationBucket = bucket, DestinationKey = "assembled",
            UploadId = uploadId, PartNumber = 2, FirstByte = FiveMiB, LastByte = FiveMiB + 999,
        });
        await Complete(client, bucket, uploadId, (1, first.ETag), (2, second.ETag), key: "assembled");

        Assert.Equal(TestData.Md5Hex(source[..FiveMiB]), TestData.Unquote(first.ETag));
        Assert.Equal(source, await GetBytesAsync(client, bucket, "assembled"));
        var another = (await client.InitiateMultipartUploadAsync(bucket, "assembled")).UploadId;
        await AssertS3ErrorAsync("InvalidArgument", HttpStatusCode.BadRequest, () => client.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket, SourceKey = "source", DestinationBucket = bucket, DestinationKey = "assembled",
            UploadId = another, PartNumber = 1, FirstByte = 0, LastByte = source.Length,
        }));
    }

    [Fact]
    public async Task CompositeChecksumOfMultipartUploadIsComputedFromPartChecksums()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        var parts = new[] { TestData.Bytes(FiveMiB, 4), TestData.Bytes(300, 5) };
        var create = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "k",
            ChecksumAlgorithm = Amazon.S3.ChecksumAlgorithm.CRC32,
        });
        var responses = new List<UploadPartResponse>();
        for (var i = 0; i < parts.Length; i++)
        {
            responses.Add(await client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = "k", UploadId = create.UploadId, PartNumber = i + 1,
                InputStream = new MemoryStream(parts[i]), ChecksumCRC32 = ChecksumHasher.Compute(Checksums.ChecksumAlgorithm.Crc32, parts[i]),
            }));
        }

        var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = "k", UploadId = create.UploadId };
        complete.AddPartETagsAndChecksums(responses);
        var completed = await client.CompleteMultipartUploadAsync(complete);

        var partDigests = parts.SelectMany(static p => Convert.FromBase64String(ChecksumHasher.Compute(Checksums.ChecksumAlgorithm.Crc32, p))).ToArray();
        var expected = ChecksumHasher.Compute(Checksums.ChecksumAlgorithm.Crc32, partDigests) + "-2";
        Assert.Equal(expected, completed.ChecksumCRC32);
        Assert.Equal(parts.SelectMany(static p => p).ToArray(), await GetBytesAsync(client, bucket, "k"));
    }

    [Fact]
    public async Task PartWithoutTheUploadsDeclaredChecksumIsRejected()
    {
        var client = Client(options: new Testing.S3ClientOptions { WhenRequiredChecksums = true });
        var bucket = await NewBucketAsync(client);
        var create = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "k",
            ChecksumAlgorithm = Amazon.S3.ChecksumAlgorithm.SHA256,
        });

        await AssertS3ErrorAsync("InvalidRequest", HttpStatusCode.BadRequest, () => client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "k", UploadId = create.UploadId, PartNumber = 1,
            InputStream = new MemoryStream(TestData.Bytes(100)), ChecksumCRC32C = ChecksumHasher.Compute(Checksums.ChecksumAlgorithm.Crc32C, TestData.Bytes(100)),
        }));
    }

    [Fact]
    public async Task ConditionalCompletionRefusesToOverwriteAnExistingKey()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        await PutBytesAsync(client, bucket, "k", [1]);
        var uploadId = (await client.InitiateMultipartUploadAsync(bucket, "k")).UploadId;
        var part = await UploadPartAsync(client, bucket, "k", uploadId, 1, TestData.Bytes(10));

        var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = "k", UploadId = uploadId, IfNoneMatch = "*" };
        complete.AddPartETags(part);
        await AssertS3ErrorAsync("PreconditionFailed", HttpStatusCode.PreconditionFailed, () => client.CompleteMultipartUploadAsync(complete));
        Assert.Equal(new byte[] { 1 }, await GetBytesAsync(client, bucket, "k"));
    }

    private static Task<UploadPartResponse> UploadPartAsync(AmazonS3Client client, string bucket, string key, string uploadId, int number, byte[] data) =>
        client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket,
            Key = key,
            UploadId = uploadId,
            PartNumber = number,
            InputStream = new MemoryStream(data),
        });

    private static Task<CompleteMultipartUploadResponse> Complete(
        AmazonS3Client client, string bucket, string uploadId, (int Number, string ETag) first, (int Number, string ETag)? second = null,
        (int Number, string ETag)? third = null, string key = "k")
    {
        var request = new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId };
        foreach (var part in new[] { first, second, third })
        {
            if (part is { } p)
            {
                request.PartETags.Add(new PartETag(p.Number, p.ETag));
            }
        }

        return client.CompleteMultipartUploadAsync(request);
    }
}
