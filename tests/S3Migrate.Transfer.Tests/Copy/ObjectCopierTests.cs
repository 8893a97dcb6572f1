using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migrate.Testing;
using S3Migrate.Transfer.Copy;

namespace S3Migrate.Transfer.Tests.Copy;

/// <summary>Objects of every awkward size and name arrive byte for byte, verified, with their attributes.</summary>
public sealed class ObjectCopierTests : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private EngineHarness _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData((5 * MiB) - 1)]
    [InlineData(5 * MiB)]
    [InlineData((5 * MiB) + 1)]
    [InlineData(15 * MiB)]
    [InlineData((17 * MiB) + 3)]
    public async Task CopiesEverySizeByteForByteAndVerified(int size)
    {
        var (source, destination) = await _engine.BucketsAsync();
        var data = Bytes(size);
        await _engine.PutSourceAsync(source, "object", data);

        var result = await _engine.Copier().CopyAsync(new CopyRequest(source, "object", destination, "object"));

        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal(data, await _engine.GetDestinationAsync(destination, "object"));
        var expectedParts = size <= 5 * MiB ? 1 : (size + (5 * MiB) - 1) / (5 * MiB);
        Assert.Equal(size == 0 ? 1 : expectedParts, result.PartsUploaded);
        Assert.Equal(size, result.BytesTransferred);
    }

    [Theory]
    [InlineData("ünïcødé/文件 名.txt")]
    [InlineData("with space and+plus%percent")]
    [InlineData("/leading-slash")]
    [InlineData("//two-leading-slashes")]
    [InlineData("double//slash///end")]
    [InlineData("folder-marker/")]
    [InlineData("😀/emoji\uE000private")]
    public async Task KeysArriveExactlyAsTheyAre(string key)
    {
        var (source, destination) = await _engine.BucketsAsync();
        var data = key.EndsWith('/') ? [] : Bytes(1000);
        await _engine.PutSourceAsync(source, key, data);

        var result = await _engine.Copier().CopyAsync(new CopyRequest(source, key, destination, "mapped/" + key) { ExpectedSize = data.Length });

        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal(data, await _engine.GetDestinationAsync(destination, "mapped/" + key));
        var listed = await _engine.DestinationClient.ListObjectsV2Async(new ListObjectsV2Request { BucketName = destination });
        Assert.Equal("mapped/" + key, Assert.Single(listed.S3Objects).Key);
    }

    [Fact]
    public async Task EachSideIsReachedWithItsOwnKeysAndTheSourceIsNeverWritten()
    {
        var (source, destination) = await _engine.BucketsAsync();
        await _engine.PutSourceAsync(source, "small", Bytes(1000));
        await _engine.PutSourceAsync(source, "large", Bytes(12 * MiB));
        _engine.SourceServer.Counters.Reset();
        _engine.DestinationServer.Counters.Reset();
        var copier = _engine.Copier();

        Assert.True((await copier.CopyAsync(new CopyRequest(source, "small", destination, "small"))).Succeeded);
        Assert.True((await copier.CopyAsync(new CopyRequest(source, "large", destination, "large"))).Succeeded);

        var sourceRequests = _engine.SourceServer.Counters.Journal();
        var destinationRequests = _engine.DestinationServer.Counters.Journal();
        Assert.All(sourceRequests, r => Assert.Equal(LocalS3Harness.GlobalAccessKeyId, r.AccessKeyId));
        Assert.All(destinationRequests, r => Assert.Equal(LocalS3Harness.ChinaAccessKeyId, r.AccessKeyId));
        Assert.DoesNotContain(sourceRequests, r => EngineHarness.WriteOperations.Contains(r.Operation));
        Assert.Equal(3, destinationRequests.Count(r => r.Operation == "UploadPart"));
    }

    [Fact]
    public async Task AttributesMetadataTagsAndChecksumsRoundTrip()
    {
        var (source, destination) = await _engine.BucketsAsync();
        var data = Bytes(3000);
        await _engine.PutSourceAsync(source, "attributed", data, request =>
        {
            request.ContentType = "application/x-custom";
            request.Headers.ContentEncoding = "gzip";
            request.Headers.ContentLanguage = "zh-CN";
            request.Headers.ContentDisposition = "attachment; filename=\"report.pdf\"";
            request.Headers.CacheControl = "max-age=3600";
            request.Metadata.Add("origin", "global");
            request.Metadata.Add("batch", "42");
            request.TagSet = [new Tag { Key = "project", Value = "migration" }];
            request.StorageClass = S3StorageClass.StandardInfrequentAccess;
            request.ChecksumCRC32C = Checksum(ChecksumAlgorithm.CRC32C, data);
        });

        var result = await _engine.Copier().CopyAsync(new CopyRequest(source, "attributed", destination, "attributed"));

        Assert.True(result.Succeeded, result.Reason);
        var head = await _engine.DestinationClient.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = destination, Key = "attributed", ChecksumMode = ChecksumMode.ENABLED,
        });
        Assert.Equal("application/x-custom", head.Headers.ContentType);
        Assert.Equal("gzip", head.Headers.ContentEncoding);
        Assert.Equal("zh-CN", head.Headers.ContentLanguage);
        Assert.Equal("max-age=3600", head.Headers.CacheControl);
        Assert.Equal("global", head.Metadata["x-amz-meta-origin"]);
        Assert.Equal("42", head.Metadata["x-amz-meta-batch"]);
        Assert.Equal(S3StorageClass.StandardInfrequentAccess, head.StorageClass);
        Assert.Equal(Checksum(ChecksumAlgorithm.CRC32C, data), head.ChecksumCRC32C);
        var tags = await _engine.DestinationClient.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = destination, Key = "attributed" });
        Assert.Equal("migration", Assert.Single(tags.Tagging).Value);
    }

    [Fact]
    public async Task ExpiresHeaderIsCarriedOver()
    {
        var (source, destination) = await _engine.BucketsAsync();
        using var raw = new HttpClient();
        var url = await _engine.SourceClient.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = source, Key = "expiring", Verb = HttpVerb.PUT, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
        });
        using var content = new ByteArrayContent([1, 2, 3]);
        content.Headers.TryAddWithoutValidation("Expires", "Thu, 01 Dec 2094 16:00:00 GMT");
        using (var put = await raw.PutAsync(new Uri(url), content))
        {
            Assert.True(put.IsSuccessStatusCode);
        }

        var result = await _engine.Copier().CopyAsync(new CopyRequest(source, "expiring", destination, "expiring"));

        Assert.True(result.Succeeded, result.Reason);
        var head = await _engine.DestinationClient.GetObjectMetadataAsync(destination, "expiring");
        Assert.Equal("Thu, 01 Dec 2094 16:00:00 GMT", head.ExpiresString);
    }

    [Fact]
    public async Task MultipartSourceKeepsItsETagAndFullObjectChecksum()
    {
        var (source, destination) = await _engine.BucketsAsync();
        var data = Bytes((13 * MiB) + 5);
        var sourceETag = await _engine.PutSourceMultipartAsync(source, "layout", data, 6 * MiB);

        var result = await _engine.Copier().CopyAsync(new CopyRequest(source, "layout", destination, "layout"));

        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal(TestETag(sourceETag), result.DestinationETag);
        Assert.Equal(data, await _engine.GetDestinationAsync(destination, "layout"));
    }

    [Fact]
    public async Task FullObjectCrcOfTheSourceIsCheckedByTheDestinationAtCompletion()
    {
        var (source, destination) = await _engine.BucketsAsync();
        var data = Bytes(12 * MiB);
        await _engine.PutSourceMultipartAsync(source, "crc", data, 5 * MiB, create =>
        {
            create.ChecksumAlgorithm = ChecksumAlgorithm.CRC64NVME;
            create.ChecksumType = ChecksumType.FULL_OBJECT;
        });

        var result = await _engine.Copier().CopyAsync(new CopyRequest(source, "crc", destination, "crc"));

        Assert.True(result.Succeeded, result.Reason);
        var head = await _engine.DestinationClient.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = destination, Key = "crc", ChecksumMode = ChecksumMode.ENABLED,
        });
        Assert.Equal(Checksum(ChecksumAlgorithm.CRC64NVME, data), head.ChecksumCRC64NVME);
        Assert.Contains(_engine.DestinationServer.Counters.Journal(), r => r.Operation == "CompleteMultipartUpload" && r.Status == 200);
    }

    [Fact]
    public async Task KmsDestinationIsVerifiedByChecksumInsteadOfETag()
    {
        var (source, destination) = await _engine.BucketsAsync();
        var data = Bytes(11 * MiB);
        await _engine.PutSourceAsync(source, "kms", data);

        var result = await _engine.Copier().CopyAsync(new CopyRequest(source, "kms", destination, "kms")
        {
            Options = new CopyOptions { Encryption = ServerSideEncryptionMethod.AWSKMS, KmsKeyId = "arn:aws-cn:kms:cn-north-1:111122223333:key/k" },
        });

        Assert.True(result.Succeeded, result.Reason);
        var head = await _engine.DestinationClient.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = destination, Key = "kms", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, head.ServerSideEncryptionMethod);
        var sourceHead = await _engine.SourceClient.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = source, Key = "kms", ChecksumMode = ChecksumMode.ENABLED });
        Assert.NotNull(sourceHead.ChecksumCRC32);
        Assert.Equal(sourceHead.ChecksumCRC32, head.ChecksumCRC32);
        Assert.Equal(data, await _engine.GetDestinationAsync(destination, "kms"));
    }

    [Fact]
    public async Task MissingSourceAndDeniedDestinationFailPermanentlyWithTheReason()
    {
        var (source, destination) = await _engine.BucketsAsync();
        await _engine.PutSourceAsync(source, "exists", Bytes(10));

        var missing = await _engine.Copier().CopyAsync(new CopyRequest(source, "absent", destination, "absent"));
        var denied = await _engine.Copier(destinationAccessKeyId: LocalS3Harness.ChinaAccessKeyId + LocalS3Harness.ReadOnlySuffix)
            .CopyAsync(new CopyRequest(source, "exists", destination, "exists"));

        Assert.Equal(CopyOutcome.Failed, missing.Outcome);
        Assert.Contains("NotFound", missing.Reason, StringComparison.Ordinal);
        Assert.Equal(CopyOutcome.Failed, denied.Outcome);
        Assert.Contains("AccessDenied", denied.Reason, StringComparison.Ordinal);
        Assert.Contains("china", denied.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ArchivedSourceFailsWithInvalidObjectState()
    {
        var (source, destination) = await _engine.BucketsAsync();
        await _engine.PutSourceAsync(source, "cold", Bytes(10), r => r.StorageClass = S3StorageClass.DeepArchive);

        var result = await _engine.Copier().CopyAsync(new CopyRequest(source, "cold", destination, "cold") { ExpectedSize = 10 });

        Assert.Equal(CopyOutcome.Failed, result.Outcome);
        Assert.Contains("InvalidObjectState", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameEndpointWithSameCredentialsCopiesServerSide()
    {
        var (source, _) = await _engine.BucketsAsync();
        var data = Bytes(7 * MiB);
        await _engine.PutSourceAsync(source, "k", data);
        var other = UniqueName.For("same");
        await _engine.SourceClient.PutBucketAsync(other);

        var result = await _engine.Copier(sameEndpoint: true).CopyAsync(new CopyRequest(source, "k", other, "copied"));

        Assert.True(result.Succeeded, result.Reason);
        Assert.True(result.ServerSide);
        Assert.Contains(_engine.SourceServer.Counters.Journal(), r => r.Operation == "CopyObject" && r.Bucket == other);
        Assert.DoesNotContain(_engine.SourceServer.Counters.Journal(), r => r.Operation == "UploadPart" && r.Bucket == other);
        using var response = await _engine.SourceClient.GetObjectAsync(other, "copied");
        using var copy = new MemoryStream();
        await response.ResponseStream.CopyToAsync(copy);
        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public async Task ListedETagThatNoLongerMatchesMeansTheNewVersionIsCopied()
    {
        var (source, destination) = await _engine.BucketsAsync();
        var old = await _engine.PutSourceAsync(source, "k", Bytes(100, 1));
        var newer = Bytes(120, 2);
        await _engine.PutSourceAsync(source, "k", newer);

        var result = await _engine.Copier().CopyAsync(new CopyRequest(source, "k", destination, "k") { ExpectedETag = TestETag(old.ETag), ExpectedSize = 100 });

        Assert.True(result.Succeeded, result.Reason);
        Assert.True(result.SourceChanged);
        Assert.Equal(newer, await _engine.GetDestinationAsync(destination, "k"));
    }

    private static string TestETag(string etag) => etag.Trim('"');

    private static byte[] Bytes(int size, int seed = 7)
    {
        var data = new byte[size];
        new Random(seed + size).NextBytes(data);
        return data;
    }

    private static string Checksum(ChecksumAlgorithm algorithm, byte[] data)
    {
        using var checksum = Checksums.ObjectChecksum.TryCreate(algorithm)!;
        checksum.Append(data);
        return checksum.ToBase64();
    }
}
