using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging.Abstractions;
using S3Migrate.LocalS3.Hosting;
using S3Migrate.Testing;
using S3Migrate.Transfer.Endpoints;
using S3Migrate.Transfer.Listing;
using S3Migrate.Transfer.Retry;

namespace S3Migrate.Transfer.Tests.Listing;

/// <summary>
/// LocalS3's two endpoints with buckets to fill, and the engine's own endpoints, listers and retry policy pointed at
/// them — what listing and diff tests arrange against.
/// </summary>
public sealed class ListingBuckets : IAsyncDisposable
{
    private const int ArrangeConcurrency = 16;

    private ListingBuckets(LocalS3Harness s3)
    {
        S3 = s3;
        SourceClient = ArrangeClient(s3.Global);
        DestinationClient = ArrangeClient(s3.China);
        Source = S3Endpoint.Create(EndpointOptions(s3.Global), maxConnections: ArrangeConcurrency);
        Destination = S3Endpoint.Create(EndpointOptions(s3.China), maxConnections: ArrangeConcurrency);
    }

    public LocalS3Harness S3 { get; }

    /// <summary>For arranging and checking; shares the engine's HTTP stack so keys starting with '/' work.</summary>
    public AmazonS3Client SourceClient { get; }

    public AmazonS3Client DestinationClient { get; }

    public S3Endpoint Source { get; }

    public S3Endpoint Destination { get; }

    public RetryPolicy Retries { get; } = new(
        new RetryOptions { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(50) },
        TimeProvider.System,
        NullLogger.Instance);

    public static async Task<ListingBuckets> StartAsync() => new(await LocalS3Harness.StartAsync());

    public S3ObjectLister SourceLister(ListingOptions? options = null) => new(Source, Retries, options);

    public S3ObjectLister DestinationLister(ListingOptions? options = null) => new(Destination, Retries, options);

    public async Task<string> SourceBucketAsync(params IEnumerable<string> keys) => await BucketAsync(SourceClient, "src", keys);

    public async Task<string> DestinationBucketAsync(params IEnumerable<string> keys) => await BucketAsync(DestinationClient, "dst", keys);

    public static async Task PutAsync(IAmazonS3 client, string bucket, string key, byte[] data)
    {
        using var scope = ObjectKeyScope.Enter((bucket, key));
        try
        {
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(data), UseChunkEncoding = false });
        }
        catch (AmazonS3Exception e)
        {
            throw new InvalidOperationException($"Arranging s3://{bucket}/{Uri.EscapeDataString(key)} failed: {e.Message}", e);
        }
    }

    public static async Task PutAllAsync(IAmazonS3 client, string bucket, IEnumerable<string> keys) =>
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = ArrangeConcurrency },
            async (key, _) => await PutAsync(client, bucket, key, []));

    public async ValueTask DisposeAsync()
    {
        Source.Dispose();
        Destination.Dispose();
        SourceClient.Dispose();
        DestinationClient.Dispose();
        await S3.DisposeAsync();
    }

    private static async Task<string> BucketAsync(AmazonS3Client client, string prefix, IEnumerable<string> keys)
    {
        var bucket = UniqueName.For(prefix);
        await client.PutBucketAsync(bucket);
        await PutAllAsync(client, bucket, keys);
        return bucket;
    }

    private static S3EndpointOptions EndpointOptions(LocalS3Endpoint server)
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
                AccessKeyId = key.AccessKeyId,
                SecretAccessKey = key.SecretAccessKey,
            },
        };
    }

    private static AmazonS3Client ArrangeClient(LocalS3Endpoint server)
    {
        var key = server.Options.AccessKeys[0];
        return new AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(key.AccessKeyId, key.SecretAccessKey), new AmazonS3Config
        {
            ServiceURL = server.ServiceUrl.AbsoluteUri,
            ForcePathStyle = true,
            AuthenticationRegion = server.Options.Region,
            MaxErrorRetry = 0,
            HttpClientFactory = new PooledHttpClientFactory(ArrangeConcurrency, null),
        });
    }
}
