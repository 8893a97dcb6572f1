using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migrate.Testing;

namespace S3Migrate.LocalS3.Tests.Hosting;

/// <summary>
/// Over HTTPS with the development CA, the production upload path works: unsigned payload with Content-MD5
/// (DisablePayloadSigning), which the SDK refuses over plain HTTP.
/// </summary>
public sealed class HttpsTests : IAsyncLifetime
{
    private LocalS3Harness _harness = null!;

    public async Task InitializeAsync() => _harness = await LocalS3Harness.StartAsync(static o => o with { Https = true });

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UnsignedPayloadWithContentMd5RoundTripsOverTls(bool whenRequired)
    {
        Assert.Equal("https", _harness.Global.ServiceUrl.Scheme);
        using var client = _harness.Client(_harness.Global, new S3ClientOptions { WhenRequiredChecksums = whenRequired });
        var bucket = UniqueName.For("tls");
        await client.PutBucketAsync(bucket);
        var data = TestData.Bytes(3 * TestData.MiB + 5);

        await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "k",
            InputStream = new MemoryStream(data),
            DisablePayloadSigning = true,
            UseChunkEncoding = false,
            MD5Digest = TestData.Md5Base64(data),
        });

        using var response = await client.GetObjectAsync(bucket, "k");
        Assert.Equal(data, await TestData.ReadAllAsync(response.ResponseStream));
        Assert.Equal(TestData.Md5Hex(data), TestData.Unquote(response.ETag));
    }

    [Fact]
    public async Task ClientThatDoesNotTrustTheDevelopmentCaCannotConnect()
    {
        using var client = new AmazonS3Client(
            new BasicAWSCredentials(LocalS3Harness.GlobalAccessKeyId, LocalS3Harness.GlobalSecretAccessKey),
            new AmazonS3Config
            {
                ServiceURL = _harness.Global.ServiceUrl.AbsoluteUri,
                ForcePathStyle = true,
                AuthenticationRegion = LocalS3Harness.GlobalRegion,
                MaxErrorRetry = 0,
                HttpClientFactory = new LoopbackHttpClientFactory(_harness.Global.ServiceUrl.Port, S3Migrate.LocalS3.Hosting.DevelopmentCertificate.Create().Authority),
            });

        await Assert.ThrowsAnyAsync<Exception>(() => client.ListBucketsAsync());
    }
}
