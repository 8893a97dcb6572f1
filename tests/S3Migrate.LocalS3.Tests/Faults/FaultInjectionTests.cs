using System.Diagnostics;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migrate.LocalS3.Faults;
using S3Migrate.Testing;

namespace S3Migrate.LocalS3.Tests.Faults;

/// <summary>Injected failures behave as the real failures they imitate, and the counters record them.</summary>
public sealed class FaultInjectionTests : IAsyncLifetime
{
    private LocalS3Harness _harness = null!;

    public async Task InitializeAsync() => _harness = await LocalS3Harness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task SlowDownIsRetriedBySdkAndCountedPerRequest()
    {
        var (client, bucket) = await ClientWithBucketAsync(maxErrorRetry: 3);
        _harness.Global.Faults.Apply(new FaultSettings { Rules = [new FaultRule { Kind = FaultKind.SlowDown, Operation = "PutObject", MaxCount = 2 }] });

        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "after two 503s" });

        var stats = _harness.Global.Counters.Snapshot()["PutObject"];
        Assert.Equal(3, stats.Requests);
        Assert.Equal(2, stats.Faults);
        Assert.Equal(2, stats.Errors);
        Assert.Equal(2, _harness.Global.Counters.Journal(r => r.ErrorCode == "SlowDown").Count);
    }

    [Fact]
    public async Task InternalErrorReachesAClientThatDoesNotRetry()
    {
        var (client, bucket) = await ClientWithBucketAsync();
        _harness.Global.Faults.Apply(new FaultSettings { Rules = [new FaultRule { Kind = FaultKind.InternalError, Operation = "ListObjectsV2" }] });

        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal("InternalError", error.ErrorCode);
    }

    [Fact]
    public async Task ResetMidResponseCutsTheObjectBytesPartWay()
    {
        var (client, bucket) = await ClientWithBucketAsync();
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(TestData.Bytes(2 * TestData.MiB)) });
        _harness.Global.Faults.Apply(new FaultSettings { Rules = [new FaultRule { Kind = FaultKind.ResetMidResponse, Operation = "GetObject" }] });

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var response = await client.GetObjectAsync(bucket, "k");
            await TestData.ReadAllAsync(response.ResponseStream);
        });

        var record = Assert.Single(_harness.Global.Counters.Journal(r => r.Operation == "GetObject"));
        Assert.Equal(FaultKind.ResetMidResponse, record.Fault);
        Assert.Equal(TestData.MiB, record.BytesOut);
    }

    [Fact]
    public async Task ResetInsteadOfResponseStillExecutesTheWrite()
    {
        var (client, bucket) = await ClientWithBucketAsync();
        _harness.Global.Faults.Apply(new FaultSettings { Rules = [new FaultRule { Kind = FaultKind.ResetMidResponse, Operation = "PutObject" }] });

        await Assert.ThrowsAnyAsync<Exception>(() => client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "stored anyway" }));
        _harness.Global.Faults.Clear();

        Assert.All(_harness.Global.Counters.Journal(r => r.Operation == "PutObject"), r => Assert.Equal("ConnectionReset", r.ErrorCode));
        using var response = await client.GetObjectAsync(bucket, "k");
        Assert.Equal("stored anyway"u8.ToArray(), await TestData.ReadAllAsync(response.ResponseStream));
    }

    [Fact]
    public async Task ResetMidRequestBodyStoresNothing()
    {
        var (client, bucket) = await ClientWithBucketAsync();
        _harness.Global.Faults.Apply(new FaultSettings { Rules = [new FaultRule { Kind = FaultKind.ResetMidRequestBody, Operation = "PutObject" }] });

        await Assert.ThrowsAnyAsync<Exception>(() =>
            client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(TestData.Bytes(TestData.MiB)) }));
        _harness.Global.Faults.Clear();

        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => client.GetObjectAsync(bucket, "k"));
        var attempts = _harness.Global.Counters.Journal(r => r.Operation == "PutObject");
        Assert.NotEmpty(attempts);
        Assert.All(attempts, r =>
        {
            Assert.Equal(FaultKind.ResetMidRequestBody, r.Fault);
            Assert.InRange(r.BytesIn, 1, TestData.MiB);
        });
    }

    [Fact]
    public async Task InjectedBadDigestRejectsThePartWithoutStoringIt()
    {
        var (client, bucket) = await ClientWithBucketAsync();
        var uploadId = (await client.InitiateMultipartUploadAsync(bucket, "k")).UploadId;
        _harness.Global.Faults.Apply(new FaultSettings { Rules = [new FaultRule { Kind = FaultKind.BadDigest, Operation = "UploadPart", MaxCount = 1 }] });

        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "k", UploadId = uploadId, PartNumber = 1, InputStream = new MemoryStream(TestData.Bytes(1000)),
        }));
        Assert.Equal("BadDigest", error.ErrorCode);
        Assert.Empty((await client.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "k", UploadId = uploadId })).Parts);

        await client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "k", UploadId = uploadId, PartNumber = 1, InputStream = new MemoryStream(TestData.Bytes(1000)),
        });
        Assert.Single((await client.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "k", UploadId = uploadId })).Parts);
    }

    [Fact]
    public async Task RulesOnlyMatchTheirOperationAndKeyPrefix()
    {
        var (client, bucket) = await ClientWithBucketAsync();
        _harness.Global.Faults.Apply(new FaultSettings { Rules = [new FaultRule { Kind = FaultKind.SlowDown, Operation = "PutObject", KeyPrefix = "hot/" }] });

        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "cold/k", ContentBody = "x" });
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "hot/k", ContentBody = "x" }));
    }

    [Fact]
    public async Task LatencyAndBandwidthCapsSlowRequestsDown()
    {
        var (client, bucket) = await ClientWithBucketAsync();
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(TestData.Bytes(TestData.MiB)) });
        _harness.Global.Faults.Apply(new FaultSettings { Latency = TimeSpan.FromMilliseconds(200), BandwidthPerConnection = 2 * TestData.MiB });

        var watch = Stopwatch.StartNew();
        using (var response = await client.GetObjectAsync(bucket, "k"))
        {
            Assert.Equal(TestData.MiB, (await TestData.ReadAllAsync(response.ResponseStream)).Length);
        }

        // 200 ms of latency plus 1 MiB at 2 MiB/s (less the initial burst): well over 0.5 s; bounded above by the test timeout only.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(550), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task ARequestIsCountedBeforeItsClientHasTheWholeAnswer()
    {
        var (client, bucket) = await ClientWithBucketAsync();
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "large", InputStream = new MemoryStream(TestData.Bytes(3 * TestData.MiB)) });
        var puts = 1;
        var gets = 0;

        // Bounded: 150 rounds of a PUT, a GET (every tenth of 3 MiB) and an error, each checked the moment the client
        // has its answer, without waiting.
        for (var i = 0; i < 150; i++)
        {
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "small", ContentBody = "x" });
            Assert.Equal(++puts, Requests("PutObject"));

            using (var response = await client.GetObjectAsync(bucket, i % 10 == 0 ? "large" : "small"))
            {
                await TestData.ReadAllAsync(response.ResponseStream);
            }

            Assert.Equal(++gets, Requests("GetObject"));

            await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => client.GetObjectAsync(bucket, "missing"));
            Assert.Equal(++gets, Requests("GetObject"));
        }

        long Requests(string operation) => _harness.Global.Counters.Snapshot()[operation].Requests;
    }

    private async Task<(AmazonS3Client Client, string Bucket)> ClientWithBucketAsync(int maxErrorRetry = 0)
    {
        var client = _harness.Client(_harness.Global, new S3ClientOptions { MaxErrorRetry = maxErrorRetry });
        var bucket = UniqueName.For("fault");
        await client.PutBucketAsync(bucket);
        _harness.Global.Counters.Reset();
        return (client, bucket);
    }
}
