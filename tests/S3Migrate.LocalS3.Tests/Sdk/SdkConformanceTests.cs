using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migrate.LocalS3.Hosting;
using S3Migrate.Testing;

namespace S3Migrate.LocalS3.Tests.Sdk;

/// <summary>
/// LocalS3 behaves like Amazon S3 for the AWS SDK for .NET v4, run once with the SDK's default checksum settings
/// (aws-chunked bodies with CRC32 trailers) and once with WHEN_REQUIRED.
/// </summary>
public abstract partial class SdkConformanceTests(LocalS3Fixture fixture) : IDisposable
{
    private readonly List<IDisposable> _clients = [];

    protected abstract bool WhenRequired { get; }

    protected LocalS3Harness Harness => fixture.Harness;

    protected LocalS3Endpoint Global => Harness.Global;

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    protected AmazonS3Client Client(LocalS3Endpoint? endpoint = null, S3ClientOptions? options = null)
    {
        var client = Harness.Client(endpoint ?? Global, (options ?? new S3ClientOptions()) with { WhenRequiredChecksums = WhenRequired });
        _clients.Add(client);
        return client;
    }

    protected async Task<string> NewBucketAsync(AmazonS3Client? client = null)
    {
        var name = UniqueName.For("b");
        await (client ?? Client()).PutBucketAsync(name);
        return name;
    }

    protected static async Task<AmazonS3Exception> AssertS3ErrorAsync(string code, HttpStatusCode status, Func<Task> action)
    {
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(action);
        Assert.Equal(status, error.StatusCode);
        if (code.Length > 0)
        {
            Assert.Equal(code, error.ErrorCode);
        }

        return error;
    }

    protected static async Task<byte[]> GetBytesAsync(AmazonS3Client client, string bucket, string key, string? versionId = null)
    {
        using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId });
        return await TestData.ReadAllAsync(response.ResponseStream);
    }

    protected static Task<PutObjectResponse> PutBytesAsync(AmazonS3Client client, string bucket, string key, byte[] data) =>
        client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(data) });
}

public sealed class SdkConformanceWithDefaultChecksums(LocalS3Fixture fixture) : SdkConformanceTests(fixture), IClassFixture<LocalS3Fixture>
{
    protected override bool WhenRequired => false;
}

public sealed class SdkConformanceWithChecksumsWhenRequired(LocalS3Fixture fixture) : SdkConformanceTests(fixture), IClassFixture<LocalS3Fixture>
{
    protected override bool WhenRequired => true;
}
