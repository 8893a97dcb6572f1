using System.Collections.Concurrent;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.TestingHost;
using S3Migrate.Abstractions;
using S3Migrate.Grains.Options;
using S3Migrate.Grains.Scheduling;
using S3Migrate.LocalS3.Hosting;
using S3Migrate.Silo.Configuration;
using S3Migrate.Silo.Hosting;
using S3Migrate.Testing;
using S3Migrate.Transfer.Endpoints;
using S3Migrate.Transfer.Planning;

namespace S3Migrate.Grains.Tests;

/// <summary>
/// An in-process cluster of silos wired exactly as the silo program wires them (same services, grains, memory job
/// streams), with grain state that survives silo loss (like DynamoDB), in front of two LocalS3 endpoints "global" and
/// "china" with different keys.
/// </summary>
public sealed class MigrationCluster : IAsyncDisposable
{
    public const string Source = LocalS3Harness.GlobalName;
    public const string Destination = LocalS3Harness.ChinaName;
    public const int MiB = 1024 * 1024;

    private readonly string _stateDirectory;

    private MigrationCluster(LocalS3Harness s3, InProcessTestCluster cluster, SharedStore store, ConcurrentDictionary<string, int> calls, string stateDirectory, MigrationEngineOptions engine)
    {
        S3 = s3;
        Cluster = cluster;
        Store = store;
        Calls = calls;
        _stateDirectory = stateDirectory;
        Engine = engine;
        SourceClient = s3.Client(s3.Global);
        DestinationClient = s3.Client(s3.China);
    }

    public LocalS3Harness S3 { get; }

    public InProcessTestCluster Cluster { get; }

    public SharedStore Store { get; }

    /// <summary>Calls into our grains, by "Interface.Method".</summary>
    public ConcurrentDictionary<string, int> Calls { get; }

    public MigrationEngineOptions Engine { get; }

    public IClusterClient Client => Cluster.Client;

    public AmazonS3Client SourceClient { get; }

    public AmazonS3Client DestinationClient { get; }

    /// <summary>5 MiB parts above 5 MiB, 4 objects × 4 parts per silo, a short stall timeout.</summary>
    public static MigrationEngineOptions TestEngine() => new()
    {
        PartSize = PartSizing.S3MinimumPartSize,
        ResumableThreshold = PartSizing.S3MinimumPartSize,
        MaxParallelFile = 4,
        MaxThread = 4,
        MemoryBudgetBytes = 128L * MiB,
        SmallObjectBatchSize = 25,
        MaxRetry = 5,
        StallTimeoutSeconds = 6,
    };

    public static async Task<MigrationCluster> StartAsync(
        short silos = 2, Func<MigrationEngineOptions, MigrationEngineOptions>? engine = null, Func<LocalS3EndpointOptions, LocalS3EndpointOptions>? configureS3 = null,
        Action<IServiceCollection>? services = null)
    {
        var s3 = await LocalS3Harness.StartAsync(configureS3);
        var stateDirectory = Path.Combine(Path.GetTempPath(), UniqueName.For("s3m-cluster"));
        var options = (engine ?? (static e => e))(TestEngine()) with { StateDirectory = stateDirectory };
        var settings = new S3MigrateSettings { Transfer = options, ShutdownDrainSeconds = 2 };
        foreach (var endpoint in new[] { s3.Global, s3.China })
        {
            var key = endpoint.Options.AccessKeys[0];
            settings.Endpoints[endpoint.Name] = new EndpointSettings
            {
                ServiceUrl = endpoint.ServiceUrl,
                Region = endpoint.Options.Region,
                Credentials = new CredentialSettings { Kind = CredentialSourceKind.Static, AccessKeyId = key.AccessKeyId, SecretAccessKey = key.SecretAccessKey },
            };
        }

        var store = new SharedStore();
        var calls = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((_, host) =>
        {
            SiloHosting.AddSiloServices(host.Services, settings);
            host.UseOrleans(silo =>
            {
                SiloHosting.AddEmbeddedProviders(silo);
                silo.Services.AddGrainStorage("Default", (sp, _) => new SharedGrainStorage(store, sp.GetRequiredService<Serializer>()));
                silo.AddIncomingGrainCallFilter(async context =>
                {
                    if (context.InterfaceName.Contains("s3m.", StringComparison.Ordinal) || context.InterfaceName.Contains("S3Migrate", StringComparison.Ordinal))
                    {
                        calls.AddOrUpdate($"{context.InterfaceName}.{context.MethodName}", 1, static (_, n) => n + 1);
                    }

                    await context.Invoke();
                });
            });
            SiloHosting.AddHostedServices(host.Services, settings);
            services?.Invoke(host.Services);
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(StreamNames.Provider));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new MigrationCluster(s3, cluster, store, calls, stateDirectory, options);
    }

    public async Task<(string Source, string Destination)> BucketsAsync()
    {
        var source = UniqueName.For("src");
        var destination = UniqueName.For("dst");
        await SourceClient.PutBucketAsync(source);
        await DestinationClient.PutBucketAsync(destination);
        return (source, destination);
    }

    public static MigrationSpec Spec(string sourceBucket, string destinationBucket, string sourcePrefix = "", string destinationPrefix = "", MigrationOptions? options = null) => new()
    {
        SourceEndpoint = Source,
        DestinationEndpoint = Destination,
        Routes = [new MigrationRoute(sourceBucket, sourcePrefix, destinationBucket, destinationPrefix)],
        Options = options ?? new MigrationOptions(),
    };

    public async Task PutSourceAsync(string bucket, string key, byte[] data) =>
        await SourceClient.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(data), UseChunkEncoding = false });

    public async Task<byte[]> GetDestinationAsync(string bucket, string key)
    {
        using var response = await DestinationClient.GetObjectAsync(bucket, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    /// <summary>Polls the migration until it finishes (bounded).</summary>
    public async Task<MigrationStatus> WaitAsync(string migrationId, TimeSpan timeout)
    {
        var grain = Client.GetGrain<IMigrationGrain>(migrationId);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            MigrationStatus status;
            try
            {
                status = await grain.GetStatusAsync();
            }
            catch (Exception e) when (e is TimeoutException or global::Orleans.Runtime.OrleansMessageRejectionException or global::Orleans.Runtime.SiloUnavailableException && DateTime.UtcNow < deadline)
            {
                // A call caught in a silo's loss (the grain moves to another silo): ask again.
                await Task.Delay(200);
                continue;
            }

            if (status.State.IsFinished())
            {
                return status;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"migration {migrationId} did not finish within {timeout}: {status.State}, {status.Counters}, round {status.Round}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>The silo-local scheduler of every live silo.</summary>
    public IEnumerable<(InProcessSiloHandle Silo, TransferScheduler Scheduler)> Schedulers() =>
        Cluster.GetActiveSilos().Select(s => (s, s.SiloHost.Services.GetRequiredService<TransferScheduler>()));

    public static byte[] Bytes(int size, int seed)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return data;
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        SourceClient.Dispose();
        DestinationClient.Dispose();
        await S3.DisposeAsync();
        if (Directory.Exists(_stateDirectory))
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
    }
}
