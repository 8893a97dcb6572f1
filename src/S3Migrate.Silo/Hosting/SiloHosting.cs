using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using S3Migrate.Abstractions;
using S3Migrate.Grains.Diagnostics;
using S3Migrate.Grains.Endpoints;
using S3Migrate.Grains.Jobs;
using S3Migrate.Grains.Options;
using S3Migrate.Grains.Preflight;
using S3Migrate.Grains.Progress;
using S3Migrate.Grains.Scheduling;
using S3Migrate.Orleans.Aws;
using S3Migrate.Orleans.Aws.Clustering;
using S3Migrate.Orleans.Aws.Reminders;
using S3Migrate.Orleans.Aws.Storage;
using S3Migrate.Orleans.Aws.Streaming;
using S3Migrate.Silo.BucketList;
using S3Migrate.Silo.Configuration;
using S3Migrate.Silo.Streams;
using S3Migrate.Transfer.Copy;
using S3Migrate.Transfer.Endpoints;
using S3Migrate.Transfer.Resume;

namespace S3Migrate.Silo.Hosting;

/// <summary>
/// Builds a silo: the same grains and silo-local services in every mode; the mode decides clustering, grain state and
/// job streams. The silo program, the console's embedded <c>copy</c> and the test clusters all come through here.
/// </summary>
public static class SiloHosting
{
    /// <summary>Reads section "S3Migrate"; throws <see cref="SettingsException"/> naming every problem.</summary>
    public static S3MigrateSettings ReadSettings(IConfiguration configuration)
    {
        var settings = new S3MigrateSettings();
        try
        {
            configuration.GetSection(S3MigrateSettings.Section).Bind(settings);
        }
        catch (InvalidOperationException e)
        {
            // The binder names the path and the value it could not convert.
            throw new SettingsException(e.Message.ReplaceLineEndings(" "), e);
        }

        var problems = settings.Validate();
        return problems.Count > 0 ? throw new SettingsException(problems) : settings;
    }

    /// <summary>Adds the silo to a host: services, Orleans, shutdown drain, progress reports and the bucket list.</summary>
    public static IHostApplicationBuilder AddS3MigrateSilo(this IHostApplicationBuilder builder, S3MigrateSettings settings, Action<ISiloBuilder>? configure = null)
    {
        AddSiloServices(builder.Services, settings);
        builder.UseOrleans(silo =>
        {
            ConfigureSilo(silo, settings);
            configure?.Invoke(silo);
        });
        AddHostedServices(builder.Services, settings);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(settings.ShutdownDrainSeconds + 30));
        return builder;
    }

    /// <summary>The silo-local services the grains use (one scheduler, aggregator and endpoint registry per silo).</summary>
    public static void AddSiloServices(IServiceCollection services, S3MigrateSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton(settings.Transfer);
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<TransferScheduler>();
        services.AddSingleton<ITransferThrottle>(static sp => sp.GetRequiredService<TransferScheduler>());
        services.AddSingleton<TransferMetrics>();
        services.AddSingleton<ProgressAggregator>();
        services.AddSingleton<ProgressFlusher>();
        services.AddSingleton<IEnumerable<S3EndpointOptions>>(settings.EndpointOptions());
        // Embedded: files, which survive kill -9 of the one process. Cluster: grain state in DynamoDB, which any silo
        // that resumes the object can read.
        services.AddSingleton<IUploadStateStore>(sp => settings.Mode == SiloMode.Embedded
            ? new FileUploadStateStore(settings.Transfer.StateDirectory ?? DefaultStateDirectory())
            : new GrainUploadStateStore(sp.GetRequiredService<IGrainFactory>()));
        services.AddSingleton(sp => new EndpointRegistry(
            sp.GetRequiredService<IEnumerable<S3EndpointOptions>>(), settings.Transfer, sp.GetRequiredService<TransferScheduler>(),
            sp.GetRequiredService<IUploadStateStore>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<TransferMetrics>()));
        services.AddSingleton<ObjectJobRunner>();
        services.AddSingleton<JobPublisher>();
        services.AddSingleton<MigrationSpecCache>();
        services.AddSingleton<EndpointPreflight>();
        services.AddSingleton<MigrationRoutes>();
        if (settings.Mode == SiloMode.Cluster)
        {
            // Job messages on SQS: held while their job runs here, deleted at a terminal state.
            services.AddKeyedSingleton<ISqsMessageCodec, SqsJobCodec>(StreamNames.Provider);
            services.AddKeyedSingleton<ISqsReceiveGate, SchedulerReceiveGate>(StreamNames.Provider);
            services.AddSingleton<IJobAcknowledgement>(static sp => new SqsJobAcknowledgement(sp.GetRequiredKeyedService<SqsMessageLeases>(StreamNames.Provider)));
        }
        else
        {
            services.AddSingleton<IJobAcknowledgement, NoJobAcknowledgement>();
        }
    }

    /// <summary>Clustering, storage, streams and reminders for the mode.</summary>
    public static void ConfigureSilo(ISiloBuilder silo, S3MigrateSettings settings)
    {
        if (settings.Mode == SiloMode.Cluster)
        {
            ConfigureCluster(silo, settings.Cluster);
            return;
        }

        var embedded = settings.Embedded;
        silo.UseLocalhostClustering(embedded.SiloPort, embedded.GatewayPort, null, embedded.ServiceId, embedded.ClusterId);
        AddEmbeddedProviders(silo);
    }

    /// <summary>Memory state, memory job streams (implicit subscriptions only) and in-memory reminders.</summary>
    public static void AddEmbeddedProviders(ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorageAsDefault();
        AddJobStreams(silo);
        silo.UseInMemoryReminderService();
        silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromMinutes(10));
    }

    /// <summary>
    /// Cluster mode: membership, grain state and reminders in DynamoDB, so silos find each other and migrations survive
    /// the loss of any silo; job streams on SQS (jobs queue, and optionally a queue of S3 event notifications), whose
    /// messages are deleted only when their job reached a terminal state, so a lost silo's jobs come back elsewhere.
    /// </summary>
    private static void ConfigureCluster(ISiloBuilder silo, ClusterSettings cluster)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId!;
            o.ServiceId = cluster.ServiceId!;
        });
        if (cluster.AdvertisedAddress is { } address)
        {
            silo.ConfigureEndpoints(IPAddress.Parse(address), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
        }
        else
        {
            silo.ConfigureEndpoints(cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
        }

        silo.UseDynamoDbClustering(o => Table(o, cluster, cluster.MembershipTableName!));
        silo.AddDynamoDbGrainStorageAsDefault(o =>
        {
            Table(o, cluster, cluster.GrainStateTableName!);
            o.TimeToLive[S3Migrate.Grains.Grains.UploadRecordGrain.StateName] = TimeSpan.FromDays(cluster.UploadRecordDays);
        });
        silo.UseDynamoDbReminderService(o => Table(o, cluster, cluster.ReminderTableName!));
        silo.AddSqsStreams(StreamNames.Provider, o => cluster.ConfigureSqs(o), ConfigureJobStreams);
        silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromMinutes(10));
    }

    private static void Table(DynamoDbTableOptions options, ClusterSettings cluster, string table)
    {
        options.TableName = table;
        options.Region = cluster.Region;
        options.ServiceUrl = cluster.DynamoDbServiceUrl;
        options.CreateIfNotExists = cluster.CreateTables;
    }

    private static void AddJobStreams(ISiloBuilder silo) => silo.AddMemoryStreams(StreamNames.Provider, ConfigureJobStreams);

    /// <summary>Implicit subscriptions only (job grains subscribe by stream namespace); a delivery gives up after 10 s.</summary>
    private static void ConfigureJobStreams(ISiloPersistentStreamConfigurator streams)
    {
        streams.ConfigureStreamPubSub(global::Orleans.Streams.StreamPubSubType.ImplicitOnly);
        streams.ConfigurePullingAgent(o => o.Configure(p => p.MaxEventDeliveryTime = TimeSpan.FromSeconds(10)));
    }

    /// <summary>
    /// Hosted services that must start after the silo and stop before it (hosted services stop in reverse order): the
    /// progress flusher, the bucket-list watcher and, stopping first, the shutdown drain.
    /// </summary>
    public static void AddHostedServices(IServiceCollection services, S3MigrateSettings settings)
    {
        services.AddHostedService(static sp => sp.GetRequiredService<ProgressFlusher>());
        if (settings.Migrations.Enabled)
        {
            services.AddHostedService<BucketListWatcher>();
        }

        services.AddHostedService<ShutdownDrain>();
    }

    /// <summary>Where embedded mode keeps its resume records: ~/.s3migrate/uploads.</summary>
    public static string DefaultStateDirectory() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".s3migrate", "uploads");
}
