using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migrate.LocalS3.Faults;
using S3Migrate.Testing;
using S3Migrate.Transfer.Copy;
using S3Migrate.Transfer.Endpoints;
using S3Migrate.Transfer.Retry;

namespace S3Migrate.Transfer.Tests.Endpoints;

/// <summary>
/// The data-plane client against LocalS3 (which checks every signature): any key is addressed exactly, S3's refusals
/// become the exceptions the retry classification already knows, and a stalled server is a transient timeout.
/// </summary>
public sealed class S3DataClientTests : IAsyncLifetime
{
    private EngineHarness _engine = null!;
    private S3Endpoint _source = null!;
    private string _bucket = null!;

    public async Task InitializeAsync()
    {
        _engine = await EngineHarness.StartAsync();
        _source = S3Endpoint.Create(EngineHarness.EndpointOptions(_engine.SourceServer), maxConnections: 8);
        (_bucket, _) = await _engine.BucketsAsync();
    }

    public async Task DisposeAsync()
    {
        _source.Dispose();
        await _engine.DisposeAsync();
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("with space+plus%percent%2F&amp=?#")]
    [InlineData("ünïcødé/文件 名.txt😀\uE000")]
    [InlineData("/leading")]
    [InlineData("//two-leading")]
    [InlineData("a//b///")]
    [InlineData("a/../b")]
    [InlineData("./x/.")]
    [InlineData("tab\tdel\u007F")]
    public async Task AnyKeyIsWrittenAndReadExactlyAsNamed(string key)
    {
        var data = RandomNumberGenerator.GetBytes(1000);

        var put = await PutAsync(_source, key, data);
        using var get = await _source.Data.GetObjectAsync(new ObjectGetRequest(_bucket, key) { IfMatch = put.ETag }, CancellationToken.None);

        Assert.Equal(data, await ReadAllAsync(get.Body));
        Assert.Equal(put.ETag, get.ETag);
        var listed = await _engine.SourceClient.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket });
        Assert.Equal(key, Assert.Single(listed.S3Objects).Key);
    }

    [Fact]
    public async Task RangedReadReturnsExactlyTheRangeAndTheObjectsHeaders()
    {
        var data = RandomNumberGenerator.GetBytes(300_000);
        var put = await PutAsync(_source, "ranged", data, [new("content-type", "text/x-test"), new("x-amz-meta-origin", "global"), new("cache-control", "no-cache")]);

        using var get = await _source.Data.GetObjectAsync(
            new ObjectGetRequest(_bucket, "ranged") { Range = (1000, 5000), IfMatch = put.ETag }, CancellationToken.None);

        Assert.Equal(HttpStatusCode.PartialContent, get.StatusCode);
        Assert.Equal(5000, get.ContentLength);
        Assert.Equal(data.AsSpan(1000, 5000).ToArray(), await ReadAllAsync(get.Body));
        Assert.Equal("text/x-test", get.Header("Content-Type"));
        Assert.Equal("no-cache", get.Header("Cache-Control"));
        Assert.Equal([new("origin", "global")], get.Metadata());
        Assert.NotNull(get.LastModified);
    }

    [Fact]
    public async Task MissingKeyIsNoSuchKeyWithItsRequestIdAndFailsPermanently()
    {
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            _source.Data.GetObjectAsync(new ObjectGetRequest(_bucket, "absent"), CancellationToken.None));

        Assert.Equal("NoSuchKey", error.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
        Assert.Equal(FailureKind.Permanent, S3ErrorClassifier.Classify(error, CancellationToken.None).Kind);
    }

    [Fact]
    public async Task ReadPinnedToAnOlderETagMeansTheSourceChanged()
    {
        await PutAsync(_source, "k", [1, 2, 3]);

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            _source.Data.GetObjectAsync(new ObjectGetRequest(_bucket, "k") { IfMatch = "\"0123456789abcdef0123456789abcdef\"" }, CancellationToken.None));

        Assert.Equal(HttpStatusCode.PreconditionFailed, error.StatusCode);
        Assert.Equal(FailureKind.SourceChanged, S3ErrorClassifier.Classify(error, CancellationToken.None).Kind);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(3 * 1024 * 1024)]
    public async Task WrongSecretIsSignatureDoesNotMatchWhichReloadsCredentials(int size)
    {
        using var wrong = S3Endpoint.Create(EngineHarness.EndpointOptions(_engine.SourceServer, secret: "not-the-secret"), maxConnections: 4);

        var read = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            wrong.Data.GetObjectAsync(new ObjectGetRequest(_bucket, "k"), CancellationToken.None));
        var write = await Assert.ThrowsAsync<AmazonS3Exception>(() => PutAsync(wrong, "k", new byte[size]));

        foreach (var error in new[] { read, write })
        {
            Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);
            Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
            Assert.Equal(FailureKind.Credentials, S3ErrorClassifier.Classify(error, CancellationToken.None).Kind);
        }
    }

    [Fact]
    public async Task BodyThatDoesNotMatchItsMd5IsBadDigestAndRetried()
    {
        var data = RandomNumberGenerator.GetBytes(2000);
        using var body = new MemoryStream(data);

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => _source.Data.PutObjectAsync(
            _bucket, "k", body, data.Length, Convert.ToBase64String(MD5.HashData([1])), checksum: null, [], CancellationToken.None));

        Assert.Equal("BadDigest", error.ErrorCode);
        Assert.Equal(FailureKind.Transient, S3ErrorClassifier.Classify(error, CancellationToken.None).Kind);
        Assert.Contains(_engine.SourceServer.Counters.Journal(), r => r.Operation == "PutObject" && r.ErrorCode == "BadDigest");
    }

    [Fact]
    public async Task ResetConnectionIsATransientFailure()
    {
        await PutAsync(_source, "k", RandomNumberGenerator.GetBytes(200_000));
        _engine.SourceServer.Faults.Apply(new FaultSettings { Rules = [new FaultRule { Kind = FaultKind.ResetMidResponse, Operation = "GetObject" }] });

        var error = await Record.ExceptionAsync(async () =>
        {
            using var get = await _source.Data.GetObjectAsync(new ObjectGetRequest(_bucket, "k"), CancellationToken.None);
            await ReadAllAsync(get.Body);
        });
        _engine.SourceServer.Faults.Clear();

        Assert.NotNull(error);
        Assert.Equal(FailureKind.Transient, S3ErrorClassifier.Classify(error, CancellationToken.None).Kind);
    }

    [Fact]
    public async Task StalledServerIsATransientTimeoutAndCallerCancellationIsNot()
    {
        using var stalled = new HttpMessageInvoker(new StalledHandler());
        var client = new S3DataClient(
            EngineHarness.EndpointOptions(_engine.SourceServer), Credentials("AKIDSTALL", null), stalled, TimeSpan.FromMilliseconds(200));

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => client.GetObjectAsync(new ObjectGetRequest("b", "k"), CancellationToken.None));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetObjectAsync(new ObjectGetRequest("b", "k"), cancel.Token));

        Assert.Equal(FailureKind.Transient, S3ErrorClassifier.Classify(timeout, CancellationToken.None).Kind);
        Assert.Equal(FailureKind.Cancelled, S3ErrorClassifier.Classify(cancelled, cancel.Token).Kind);
    }

    [Fact]
    public async Task AwsRegionsAreAddressedVirtualHostedExceptForBucketsWithDots()
    {
        var capture = new CapturingHandler();
        using var http = new HttpMessageInvoker(capture);
        var options = new S3EndpointOptions { Name = "china", Region = "cn-north-1" };
        var client = new S3DataClient(options, Credentials("AKIDCHINA", "session-token"), http, TimeSpan.FromMinutes(1));

        using (await client.GetObjectAsync(new ObjectGetRequest("bucket", "/a b") { VersionId = "v+1", RequesterPays = true }, CancellationToken.None))
        {
        }

        using (await client.GetObjectAsync(new ObjectGetRequest("my.bucket", "k"), CancellationToken.None))
        {
        }

        var (virtualHosted, pathStyle) = (capture.Requests[0], capture.Requests[1]);
        Assert.Equal("https://bucket.s3.cn-north-1.amazonaws.com.cn//a%20b?versionId=v%2B1", virtualHosted.Uri);
        Assert.Equal("https://s3.cn-north-1.amazonaws.com.cn/my.bucket/k", pathStyle.Uri);
        Assert.Equal("session-token", virtualHosted.Headers["x-amz-security-token"]);
        Assert.Equal("requester", virtualHosted.Headers["x-amz-request-payer"]);
        Assert.Equal("UNSIGNED-PAYLOAD", virtualHosted.Headers["x-amz-content-sha256"]);
        Assert.Contains("/cn-north-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-request-payer;x-amz-security-token, ",
            virtualHosted.Headers["Authorization"], StringComparison.Ordinal);
    }

    private async Task<ObjectPutResponse> PutAsync(S3Endpoint endpoint, string key, byte[] data, List<KeyValuePair<string, string>>? headers = null)
    {
        using var body = new MemoryStream(data);
        return await endpoint.Data.PutObjectAsync(
            _bucket, key, body, data.Length, Convert.ToBase64String(MD5.HashData(data)), checksum: null,
            headers ?? [new("content-type", DestinationRequests.DefaultContentType)], CancellationToken.None);
    }

    private static ReloadableCredentials Credentials(string accessKeyId, string? token) =>
        new((_, _) => Task.FromResult(new LoadedCredentials(new ImmutableCredentials(accessKeyId, "secret", token))), TimeSpan.FromHours(1), TimeProvider.System);

    private static async Task<byte[]> ReadAllAsync(Stream body)
    {
        using var copy = new MemoryStream();
        await body.CopyToAsync(copy);
        return copy.ToArray();
    }

    private sealed class StalledHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    private sealed class CapturingHandler : HttpMessageHandler
    {
        public List<(string Uri, Dictionary<string, string> Headers)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, values) in request.Headers.NonValidated)
            {
                headers[name] = values.ToString();
            }

            Requests.Add((request.RequestUri!.OriginalString, headers));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) });
        }
    }
}
