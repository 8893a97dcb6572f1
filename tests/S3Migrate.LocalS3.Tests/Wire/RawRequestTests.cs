using System.Net;
using System.Text;
using S3Migrate.LocalS3.Auth;
using S3Migrate.LocalS3.Checksums;
using S3Migrate.Testing;

namespace S3Migrate.LocalS3.Tests.Wire;

/// <summary>Requests no SDK sends on purpose: LocalS3 must refuse them the way S3 does, with S3's XML errors.</summary>
public sealed class RawRequestTests(LocalS3Fixture fixture) : IClassFixture<LocalS3Fixture>, IDisposable
{
    private readonly RawS3Client _raw = new(
        fixture.Harness.Global.ServiceUrl, LocalS3Harness.GlobalAccessKeyId, LocalS3Harness.GlobalSecretAccessKey, LocalS3Harness.GlobalRegion);

    public void Dispose() => _raw.Dispose();

    [Fact]
    public async Task PayloadNotMatchingItsSignedHashIsRejectedAndNotStored()
    {
        var bucket = await NewBucketAsync();

        using var response = await _raw.SendAsync(HttpMethod.Put, $"/{bucket}/k", "actual"u8.ToArray(), payloadHash: RawS3Client.Sha256Hex("claimed"u8.ToArray()));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "XAmzContentSHA256Mismatch");
        using var get = await _raw.SendAsync(HttpMethod.Get, $"/{bucket}/k");
        await AssertErrorAsync(get, HttpStatusCode.NotFound, "NoSuchKey");
    }

    [Fact]
    public async Task HeaderSignedRequestWithoutContentSha256IsInvalid()
    {
        var bucket = await NewBucketAsync();

        using var response = await _raw.SendAsync(HttpMethod.Get, $"/{bucket}?list-type=2", payloadHash: string.Empty);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "InvalidRequest");
    }

    [Fact]
    public async Task SignedChunksWithValidTrailerStoreTheDecodedBytes()
    {
        var bucket = await NewBucketAsync();
        var data = TestData.Bytes(200_000);

        using var response = await _raw.PutSignedChunkedAsync(
            $"/{bucket}/chunked", data, "x-amz-checksum-crc32c", ChecksumHasher.Compute(ChecksumAlgorithm.Crc32C, data), chunkSize: 65536);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TestData.Md5Hex(data), TestData.Unquote(response.Headers.ETag!.Tag));
        using var get = await _raw.SendAsync(HttpMethod.Get, $"/{bucket}/chunked");
        Assert.Equal(data, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task TrailerChecksumNotMatchingTheBytesIsBadDigest()
    {
        var bucket = await NewBucketAsync();

        using var response = await _raw.PutSignedChunkedAsync(
            $"/{bucket}/chunked", TestData.Bytes(1000), "x-amz-checksum-sha256", ChecksumHasher.Compute(ChecksumAlgorithm.Sha256, TestData.Bytes(999)), 512);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "BadDigest");
    }

    [Fact]
    public async Task ChunkAlteredAfterSigningIsRejected()
    {
        var bucket = await NewBucketAsync();
        var data = TestData.Bytes(1000);

        using var response = await _raw.PutSignedChunkedAsync(
            $"/{bucket}/chunked", data, "x-amz-checksum-crc32", ChecksumHasher.Compute(ChecksumAlgorithm.Crc32, data), 512, corruptChunk: true);

        await AssertErrorAsync(response, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
    }

    [Fact]
    public async Task PartsListedOutOfOrderAreInvalidPartOrder()
    {
        var bucket = await NewBucketAsync();
        var uploadId = await CreateUploadAsync(bucket);
        var etag1 = await UploadPartAsync(bucket, uploadId, 1);
        var etag2 = await UploadPartAsync(bucket, uploadId, 2);
        var body = Encoding.UTF8.GetBytes(
            $"<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>{etag2}</ETag></Part><Part><PartNumber>1</PartNumber><ETag>{etag1}</ETag></Part></CompleteMultipartUpload>");

        using var response = await _raw.SendAsync(HttpMethod.Post, $"/{bucket}/k?uploadId={uploadId}", body);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "InvalidPartOrder");
    }

    [Fact]
    public async Task CompletionBodyThatIsNotXmlIsMalformedXml()
    {
        var bucket = await NewBucketAsync();
        var uploadId = await CreateUploadAsync(bucket);

        using var response = await _raw.SendAsync(HttpMethod.Post, $"/{bucket}/k?uploadId={uploadId}", "{not xml"u8.ToArray());

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "MalformedXML");
    }

    [Fact]
    public async Task EscapedSlashesAndLiteralPlusSignsAreKeyBytes()
    {
        var bucket = await NewBucketAsync();

        using var put1 = await _raw.SendAsync(HttpMethod.Put, $"/{bucket}/a%2Fb", "slash"u8.ToArray());
        using var put2 = await _raw.SendAsync(HttpMethod.Put, $"/{bucket}/c+d", "plus"u8.ToArray());
        using var put3 = await _raw.SendAsync(HttpMethod.Put, $"/{bucket}//leading", "leading"u8.ToArray());

        Assert.All(new[] { put1, put2, put3 }, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var keys = fixture.Harness.Global.Store.GetBucket(bucket).KeysByName.Keys.Order(StringComparer.Ordinal);
        Assert.Equal(["/leading", "a/b", "c+d"], keys);
    }

    [Fact]
    public async Task UnsupportedOperationsAnswerWithXmlNotImplemented()
    {
        var bucket = await NewBucketAsync();

        using var response = await _raw.SendAsync(HttpMethod.Post, $"/{bucket}/k?select&select-type=2", "<x/>"u8.ToArray());

        var body = await AssertErrorAsync(response, HttpStatusCode.NotImplemented, "NotImplemented");
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsignedTrailerUploadOverPlainHttpIsAccepted()
    {
        var bucket = await NewBucketAsync();
        var data = TestData.Bytes(3000);
        var checksum = ChecksumHasher.Compute(ChecksumAlgorithm.Crc64Nvme, data);
        var body = new MemoryStream();
        body.Write(Encoding.ASCII.GetBytes($"{data.Length:X}\r\n"));
        body.Write(data);
        body.Write(Encoding.ASCII.GetBytes($"\r\n0\r\nx-amz-checksum-crc64nvme:{checksum}\r\n\r\n"));

        using var response = await _raw.SendAsync(HttpMethod.Put, $"/{bucket}/unsigned", body.ToArray(), new Dictionary<string, string>
        {
            ["content-encoding"] = "aws-chunked",
            ["x-amz-decoded-content-length"] = data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["x-amz-trailer"] = "x-amz-checksum-crc64nvme",
        }, payloadHash: SigV4.StreamingUnsignedTrailer);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(checksum, response.Headers.GetValues("x-amz-checksum-crc64nvme").Single());
    }

    private async Task<string> NewBucketAsync()
    {
        var bucket = UniqueName.For("raw");
        using var response = await _raw.SendAsync(HttpMethod.Put, "/" + bucket);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return bucket;
    }

    private async Task<string> CreateUploadAsync(string bucket)
    {
        using var response = await _raw.SendAsync(HttpMethod.Post, $"/{bucket}/k?uploads");
        var xml = System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync());
        return xml.Descendants().Single(static e => e.Name.LocalName == "UploadId").Value;
    }

    private async Task<string> UploadPartAsync(string bucket, string uploadId, int number)
    {
        using var response = await _raw.SendAsync(HttpMethod.Put, $"/{bucket}/k?partNumber={number}&uploadId={uploadId}", TestData.Bytes(5 * TestData.MiB, number));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag!.Tag;
    }

    private static async Task<string> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<?xml", body, StringComparison.Ordinal);
        Assert.Contains($"<Code>{code}</Code>", body, StringComparison.Ordinal);
        Assert.Contains("<RequestId>", body, StringComparison.Ordinal);
        return body;
    }
}
