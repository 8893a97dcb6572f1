using S3Migrate.Grains.Options;
using S3Migrate.Transfer.Endpoints;

namespace S3Migrate.Silo.Configuration;

/// <summary>Where the silo keeps its cluster state and job streams.</summary>
public enum SiloMode
{
    /// <summary>One process: localhost clustering, memory state and streams (resume comes from the destination).</summary>
    Embedded,

    /// <summary>Silos on EC2: DynamoDB clustering and state, SQS job streams.</summary>
    Cluster,
}

/// <summary>
/// The silo's settings (section "S3Migrate"), from appsettings.json, environment variables (S3Migrate__Mode, …), the
/// command line and SSM. <see cref="Validate"/> names every problem before anything starts.
/// </summary>
public sealed class S3MigrateSettings
{
    public const string Section = "S3Migrate";

    public SiloMode Mode { get; set; } = SiloMode.Embedded;

    /// <summary>The S3 endpoints migrations may name, by name.</summary>
    public Dictionary<string, EndpointSettings> Endpoints { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The original tool's deployment style: PUT runs next to the source and writes to a remote destination, GET runs
    /// next to the destination and reads from a remote source. Either defines the endpoints "local" (the instance
    /// role, in the cluster's region) and "remote" (credentials from <see cref="RemoteCredentials"/>).
    /// </summary>
    public string? JobType { get; set; }

    public RemoteCredentialSettings RemoteCredentials { get; set; } = new();

    public BucketListSettings Migrations { get; set; } = new();

    public MigrationEngineOptions Transfer { get; set; } = new();

    public EmbeddedSettings Embedded { get; set; } = new();

    public ClusterSettings Cluster { get; set; } = new();

    public MetricsSettings Metrics { get; set; } = new();

    /// <summary>On shutdown, parts in flight may finish for this long before the rest is interrupted (resumable).</summary>
    public int ShutdownDrainSeconds { get; set; } = 30;

    public const string LocalEndpoint = "local";

    public const string RemoteEndpoint = "remote";

    /// <summary>The configured endpoints, plus "local" and "remote" when a JobType is set.</summary>
    public IReadOnlyList<S3EndpointOptions> EndpointOptions()
    {
        var endpoints = Endpoints.Select(static e => e.Value.ToOptions(e.Key)).ToList();
        if (JobType is not null && RemoteCredentials.ParameterName is { } parameter)
        {
            if (!Endpoints.ContainsKey(LocalEndpoint))
            {
                endpoints.Add(new S3EndpointOptions { Name = LocalEndpoint, Region = Cluster.Region });
            }

            if (!Endpoints.ContainsKey(RemoteEndpoint))
            {
                endpoints.Add(new S3EndpointOptions
                {
                    Name = RemoteEndpoint,

                    // The remote region comes with the credentials (the parameter's "region"); until then, the local one.
                    Region = RemoteCredentials.Region ?? Cluster.Region,
                    Credentials = new CredentialSourceOptions
                    {
                        Kind = CredentialSourceKind.SsmParameter,
                        ParameterName = parameter,
                        ParameterRegion = Cluster.Region,
                        ParameterServiceUrl = RemoteCredentials.ParameterServiceUrl,
                    },
                });
            }
        }

        return endpoints;
    }

    /// <summary>The endpoints a bucket-list route reads from and writes to, from the JobType.</summary>
    public (string Source, string Destination) JobTypeEndpoints() => JobType?.ToUpperInvariant() switch
    {
        "GET" => (RemoteEndpoint, LocalEndpoint),
        _ => (LocalEndpoint, RemoteEndpoint),
    };

    /// <summary>Every problem with these settings, one line each, naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (JobType is not null)
        {
            if (JobType.ToUpperInvariant() is not ("PUT" or "GET"))
            {
                problems.Add($"S3Migrate:JobType must be PUT or GET, not '{JobType}'");
            }

            if (RemoteCredentials.ParameterName is null)
            {
                problems.Add("S3Migrate:JobType needs S3Migrate:RemoteCredentials:ParameterName (the SSM SecureString with the remote side's keys)");
            }

            if (Cluster.Region is null)
            {
                problems.Add("S3Migrate:JobType needs S3Migrate:Cluster:Region (the region of the local buckets)");
            }
        }

        foreach (var endpoint in EndpointOptions())
        {
            if (endpoint.Validate() is { } problem)
            {
                problems.Add("S3Migrate:Endpoints: " + problem);
            }
        }

        problems.AddRange(Transfer.Validate());
        problems.AddRange(Migrations.Validate());
        if (ShutdownDrainSeconds < 0)
        {
            problems.Add("S3Migrate:ShutdownDrainSeconds must not be negative");
        }

        if (Mode == SiloMode.Cluster)
        {
            problems.AddRange(Cluster.Validate());
        }
        else
        {
            problems.AddRange(Embedded.Validate());
        }

        if (Metrics.Dashboard && Metrics.PrometheusPort is null or 0)
        {
            problems.Add("S3Migrate:Metrics:Dashboard needs S3Migrate:Metrics:PrometheusPort: the dashboard is served on that port, at /dashboard");
        }

        if (Metrics.PrometheusPort is < 0 or > 65535)
        {
            problems.Add($"S3Migrate:Metrics:PrometheusPort {Metrics.PrometheusPort} is not a port number");
        }

        return problems;
    }
}

/// <summary>One endpoint as configured (S3Migrate:Endpoints:NAME).</summary>
public sealed class EndpointSettings
{
    public string? Region { get; set; }

    public Uri? ServiceUrl { get; set; }

    public bool? ForcePathStyle { get; set; }

    public string? CertificateAuthorityPath { get; set; }

    public bool AllowPlainHttp { get; set; }

    public CredentialSettings Credentials { get; set; } = new();

    public S3EndpointOptions ToOptions(string name) => new()
    {
        Name = name,
        Region = Region,
        ServiceUrl = ServiceUrl,
        ForcePathStyle = ForcePathStyle,
        CertificateAuthorityPath = CertificateAuthorityPath,
        AllowPlainHttp = AllowPlainHttp,
        Credentials = Credentials.ToOptions(),
    };
}

/// <summary>An endpoint's credential source (S3Migrate:Endpoints:NAME:Credentials).</summary>
public sealed class CredentialSettings
{
    public CredentialSourceKind Kind { get; set; } = CredentialSourceKind.Default;

    public string? ProfileName { get; set; }

    public string? AccessKeyId { get; set; }

    public string? SecretAccessKey { get; set; }

    public string? SessionToken { get; set; }

    public string? ParameterName { get; set; }

    public string? ParameterRegion { get; set; }

    public Uri? ParameterServiceUrl { get; set; }

    public TimeSpan? RefreshInterval { get; set; }

    public CredentialSourceOptions ToOptions() => new()
    {
        // Keys given without a kind are static keys: the obvious meaning of a config that names them.
        Kind = Kind == CredentialSourceKind.Default && AccessKeyId is not null ? CredentialSourceKind.Static : Kind,
        ProfileName = ProfileName,
        AccessKeyId = AccessKeyId,
        SecretAccessKey = SecretAccessKey,
        SessionToken = SessionToken,
        ParameterName = ParameterName,
        ParameterRegion = ParameterRegion,
        ParameterServiceUrl = ParameterServiceUrl,
        RefreshInterval = RefreshInterval ?? CredentialSourceOptions.DefaultRefreshInterval,
    };

    public override string ToString() => ToOptions().ToString();
}

/// <summary>The remote side's keys for a JobType deployment: an SSM SecureString in the original format.</summary>
public sealed class RemoteCredentialSettings
{
    public string? ParameterName { get; set; }

    /// <summary>The remote side's region, when the parameter does not carry one.</summary>
    public string? Region { get; set; }

    /// <summary>An SSM-compatible endpoint (tests).</summary>
    public Uri? ParameterServiceUrl { get; set; }
}

/// <summary>Localhost clustering for one machine.</summary>
public sealed class EmbeddedSettings
{
    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    public string ClusterId { get; set; } = "s3migrate";

    public string ServiceId { get; set; } = "s3migrate";

    public IEnumerable<string> Validate()
    {
        if (SiloPort is < 1 or > 65535 || GatewayPort is < 1 or > 65535 || SiloPort == GatewayPort)
        {
            yield return $"S3Migrate:Embedded: SiloPort {SiloPort} and GatewayPort {GatewayPort} must be two different port numbers";
        }
    }
}

/// <summary>The AWS resources of a cluster deployment (created by the CDK app in infra/).</summary>
public sealed class ClusterSettings
{
    public string? ClusterId { get; set; }

    public string? ServiceId { get; set; }

    public string? Region { get; set; }

    public string? MembershipTableName { get; set; }

    public string? GrainStateTableName { get; set; }

    public string? ReminderTableName { get; set; }

    /// <summary>The SQS queue of job messages (several, comma-separated, spread the load over more queues).</summary>
    public string? JobsQueueName { get; set; }

    /// <summary>An SQS queue S3 event notifications are delivered to (optional; they may also arrive on the jobs queue).</summary>
    public string? EventsQueueName { get; set; }

    /// <summary>How long a received job message stays invisible; the heartbeat extends it every third of this while its job runs.</summary>
    public int JobVisibilityTimeoutSeconds { get; set; } = 900;

    /// <summary>
    /// Pulling agents across the cluster (Orleans queues mapped onto the SQS queues). A silo receives jobs only through
    /// the partitions the cluster assigns to it, so keep this several times the largest number of silos; a silo still
    /// makes one long poll per SQS queue at a time, however many partitions it holds.
    /// </summary>
    public int JobQueuePartitions { get; set; } = 64;

    /// <summary>Long-poll seconds of one receive (0–20): longer polls mean fewer empty receives from idle silos.</summary>
    public int ReceiveWaitSeconds { get; set; } = 20;

    /// <summary>How soon a message a consumer could not decode comes back (each receive counts towards the DLQ's maxReceiveCount).</summary>
    public int RejectedVisibilitySeconds { get; set; } = 60;

    /// <summary>How soon a job comes back when its consumer could not be reached (a silo was lost and not yet noticed).</summary>
    public int DeliveryRetrySeconds { get; set; } = 30;

    /// <summary>Create missing queues (development; deployments create them with their dead-letter queue in the CDK app).</summary>
    public bool CreateQueues { get; set; }

    /// <summary>
    /// How long deletes of finished jobs wait to share a DeleteMessageBatch. A finished job's message stays invisible
    /// meanwhile; if its silo dies in this window the job comes back once and finds its object already identical.
    /// </summary>
    public double DeleteBatchWindowSeconds { get; set; } = 5;

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>DynamoDB-compatible endpoint (tests, DynamoDB Local).</summary>
    public Uri? DynamoDbServiceUrl { get; set; }

    /// <summary>SQS-compatible endpoint (tests).</summary>
    public Uri? SqsServiceUrl { get; set; }

    /// <summary>The address other silos and clients reach this silo at; by default the host's own address.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Create the DynamoDB tables when missing (development; deployments create them with the CDK app).</summary>
    public bool CreateTables { get; set; }

    /// <summary>
    /// Days a multipart upload's resume record is kept after it was written; DynamoDB's time to live deletes it then. A
    /// finished upload's record is not deleted (one write fewer per large object) but left to expire: records are only
    /// ever used for uploads the destination still lists.
    /// </summary>
    public int UploadRecordDays { get; set; } = 30;

    public IEnumerable<string> Validate()
    {
        foreach (var (name, value) in new[]
        {
            ("ClusterId", ClusterId), ("ServiceId", ServiceId), ("Region", Region), ("MembershipTableName", MembershipTableName),
            ("GrainStateTableName", GrainStateTableName), ("ReminderTableName", ReminderTableName), ("JobsQueueName", JobsQueueName),
        })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"S3Migrate:Cluster:{name} is required in cluster mode";
            }
        }

        if (JobsQueueName is not null)
        {
            var sqs = new S3Migrate.Orleans.Aws.Streaming.SqsStreamOptions();
            this.ConfigureSqs(sqs);
            foreach (var problem in sqs.Validate())
            {
                yield return "S3Migrate:Cluster: " + problem;
            }
        }

        if (UploadRecordDays is < 1 or > 3650)
        {
            yield return $"S3Migrate:Cluster:UploadRecordDays {UploadRecordDays} must be between 1 and 3650";
        }

        if (AdvertisedAddress is not null && !System.Net.IPAddress.TryParse(AdvertisedAddress, out _))
        {
            yield return $"S3Migrate:Cluster:AdvertisedAddress '{AdvertisedAddress}' is not an IP address";
        }
    }
}

public static class ClusterSettingsSqs
{
    /// <summary>The SQS stream provider's options from these settings.</summary>
    public static void ConfigureSqs(this ClusterSettings cluster, S3Migrate.Orleans.Aws.Streaming.SqsStreamOptions options)
    {
        options.QueueNames = Names(cluster.JobsQueueName);
        options.ReceiveOnlyQueueNames = Names(cluster.EventsQueueName);
        options.Region = cluster.Region;
        options.ServiceUrl = cluster.SqsServiceUrl;
        options.CreateQueues = cluster.CreateQueues;
        options.PartitionCount = cluster.JobQueuePartitions;
        options.VisibilityTimeout = TimeSpan.FromSeconds(cluster.JobVisibilityTimeoutSeconds);
        options.ReceiveWaitTime = TimeSpan.FromSeconds(cluster.ReceiveWaitSeconds);
        options.RejectedVisibility = TimeSpan.FromSeconds(cluster.RejectedVisibilitySeconds);
        options.DeleteBatchWindow = TimeSpan.FromSeconds(cluster.DeleteBatchWindowSeconds);
        options.DeliveryRetryDelay = TimeSpan.FromSeconds(cluster.DeliveryRetrySeconds);
    }

    private static List<string> Names(string? names) =>
        [.. (names ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}

public sealed class MetricsSettings
{
    /// <summary>Serves /metrics (Prometheus) and /health on this port; 0 or unset serves nothing.</summary>
    public int? PrometheusPort { get; set; }

    /// <summary>
    /// Serves the Orleans Dashboard (silos, grains, calls, reminders) at /dashboard on the metrics port, for operators.
    /// Off by default: it profiles every grain call. Reach it through an SSH tunnel or SSM port forwarding; it has no
    /// login of its own.
    /// </summary>
    public bool Dashboard { get; set; }

    /// <summary>The address to listen on (default all interfaces).</summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>An SNS topic told when a migration finishes.</summary>
    public string? MigrationFinishedTopicArn { get; set; }
}
