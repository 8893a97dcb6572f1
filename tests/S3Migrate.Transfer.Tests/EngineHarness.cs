using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging.Abstractions;
using S3Migrate.LocalS3.Auth;
using S3Migrate.LocalS3.Hosting;
using S3Migrate.Testing;
using S3Migrate.Transfer.Copy;
using S3Migrate.Transfer.Endpoints;
using S3Migrate.Transfer.Planning;
using S3Migrate.Transfer.Resume;

namespace S3Migrate.Transfer.Tests;

/// <summary>
/// Two LocalS3 endpoints with different keys — "global" as the source, "china" as the destination — and the engine's
/// own endpoints and copier pointed at them, as a migration between partitions sees them.
/// </summary>
public sealed class EngineHarness : IAsyncDisposable
{
    private readonly List<IDisposable> _owned = [];

    private EngineHarness(LocalS3Harness s3) => S3 = s3;

    public LocalS3Harness S3 { get; }

    public LocalS3Endpoint SourceServer => S3.Global;

    public LocalS3Endpoint DestinationServer => S3.China;

    public AmazonS3Client SourceClient { get; private set; } = null!;

    public AmazonS3Client DestinationClient { get; private set; } = null!;

    public static async Task<EngineHarness> StartAsync(Func<LocalS3EndpointOptions, LocalS3EndpointOptions>? configure = null)
    {
        var harness = new EngineHarness(await LocalS3Harness.StartAsync(configure));
        harness.SourceClient = TestClient(harness.S3.Global);
        harness.DestinationClient = TestClient(harness.S3.China);
        return harness;
    }

    /// <summary>An SDK client for arranging and checking, with the engine's HTTP stack (so keys starting with '/' work).</summary>
    public static AmazonS3Client TestClient(LocalS3Endpoint server)
    {
        var key = server.Options.AccessKeys[0];
        return new AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(key.AccessKeyId, key.SecretAccessKey), new AmazonS3Config
        {
            ServiceURL = server.ServiceUrl.AbsoluteUri,
            ForcePathStyle = true,
            AuthenticationRegion = server.Options.Region,
            MaxErrorRetry = 0,
            HttpClientFactory = new PooledHttpClientFactory(16, null),
        });
    }

    public static S3EndpointOptions EndpointOptions(LocalS3Endpoint server, string? accessKeyId = null, string? secret = null)
    {
        var key = server.Options.AccessKeys[0];
        return new S3EndpointOptions
        {
            Name = server.Name,
            ServiceUrl = server.ServiceUrl,
            Region = server.Options.Region,
            Credentials = new CredentialSourceOptions
            {
                Kind = CredentialSourceKind.Static,
                AccessKeyId = accessKeyId ?? key.AccessKeyId,
                SecretAccessKey = secret ?? key.SecretAccessKey,
            },
        };
    }

    /// <summary>A copier from global to china (or global to global for server-side copies).</summary>
    public ObjectCopier Copier(
        TransferOptions? options = null, IUploadStateStore? state = null, bool sameEndpoint = false, string? destinationAccessKeyId = null)
    {
        var source = S3Endpoint.Create(EndpointOptions(SourceServer), maxConnections: 32);
        var destination = sameEndpoint ? source : S3Endpoint.Create(EndpointOptions(DestinationServer, destinationAccessKeyId), maxConnections: 32);
        _owned.Add(source);
        if (!sameEndpoint)
        {
            _owned.Add(destination);
        }

        return new ObjectCopier(source, destination, options ?? SmallParts(), state ?? new MemoryUploadStateStore(),
            new MemoryBudgetThrottle(256L * 1024 * 1024), NullLogger<ObjectCopier>.Instance);
    }

    /// <summary>5 MiB parts above 5 MiB, quick retries: large-object paths at test sizes.</summary>
    public static TransferOptions SmallParts(int maxParts = 4) => new()
    {
        Parts = new PartSizing { PartSize = PartSizing.S3MinimumPartSize, SmallObjectThreshold = PartSizing.S3MinimumPartSize },
        MaxPartsPerObject = maxParts,
        Retry = new Retry.RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(100) },
    };

    public async Task<(string Source, string Destination)> BucketsAsync()
    {
        var source = UniqueName.For("src");
        var destination = UniqueName.For("dst");
        await SourceClient.PutBucketAsync(source);
        await DestinationClient.PutBucketAsync(destination);
        return (source, destination);
    }

    public async Task<PutObjectResponse> PutSourceAsync(string bucket, string key, byte[] data, Action<PutObjectRequest>? configure = null)
    {
        var request = new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(data), UseChunkEncoding = false };
        configure?.Invoke(request);
        using var scope = ObjectKeyScope.Enter((bucket, key));
        return await SourceClient.PutObjectAsync(request);
    }

    /// <summary>Uploads <paramref name="data"/> to the source as a multipart object with parts of <paramref name="partSize"/>.</summary>
    public async Task<string> PutSourceMultipartAsync(string bucket, string key, byte[] data, int partSize, Action<InitiateMultipartUploadRequest>? configure = null)
    {
        var create = new InitiateMultipartUploadRequest { BucketName = bucket, Key = key };
        configure?.Invoke(create);
        var uploadId = (await SourceClient.InitiateMultipartUploadAsync(create)).UploadId;
        var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId };
        var number = 1;
        for (var offset = 0; offset < data.Length; offset += partSize, number++)
        {
            var length = Math.Min(partSize, data.Length - offset);
            var upload = new UploadPartRequest
            {
                BucketName = bucket, Key = key, UploadId = uploadId, PartNumber = number,
                InputStream = new MemoryStream(data, offset, length),
            };
            if (create.ChecksumAlgorithm == ChecksumAlgorithm.CRC64NVME)
            {
                using var crc = Checksums.ObjectChecksum.TryCreate(ChecksumAlgorithm.CRC64NVME)!;
                crc.Append(data.AsSpan(offset, length));
                upload.ChecksumCRC64NVME = crc.ToBase64();
            }

            complete.AddPartETagsAndChecksums([await SourceClient.UploadPartAsync(upload)]);
        }

        return (await SourceClient.CompleteMultipartUploadAsync(complete)).ETag;
    }

    public async Task<byte[]> GetDestinationAsync(string bucket, string key)
    {
        using var scope = ObjectKeyScope.Enter((bucket, key));
        using var response = await DestinationClient.GetObjectAsync(bucket, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        SourceClient?.Dispose();
        DestinationClient?.Dispose();
        await S3.DisposeAsync();
    }

    /// <summary>Operations that change a bucket: the source endpoint must never see one during a migration.</summary>
    public static readonly IReadOnlySet<string> WriteOperations = new HashSet<string>(StringComparer.Ordinal)
    {
        "PutObject", "CopyObject", "DeleteObject", "DeleteObjects", "CreateMultipartUpload", "UploadPart", "UploadPartCopy",
        "CompleteMultipartUpload", "AbortMultipartUpload", "PutObjectTagging", "DeleteObjectTagging",
    };
}
