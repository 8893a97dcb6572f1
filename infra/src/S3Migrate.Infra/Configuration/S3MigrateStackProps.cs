using Amazon.CDK;
using Amazon.CDK.AWS.Logs;

namespace S3Migrate.Infra.Configuration;

/// <summary>
/// Everything that shapes one S3Migrate deployment at synthesis time. What operators commonly change per deployment
/// comes from the settings file (<see cref="DeploymentSettings"/>); sizes and artifact locations are CloudFormation
/// parameters (<see cref="DeploymentParameters"/>) whose defaults are declared here.
/// </summary>
internal sealed class S3MigrateStackProps : StackProps
{
    // ---- The migration ----

    /// <summary>Which side the cluster runs on. Default <see cref="Configuration.JobType.Put"/>.</summary>
    public JobType JobType { get; init; } = JobType.Put;

    /// <summary>
    /// The bucket list, written to the migration settings parameter. The local bucket of each route (source for PUT,
    /// destination for GET), limited to the route's prefix, is what the instance role may touch. Default: none.
    /// </summary>
    public IReadOnlyList<BucketRoute> Routes { get; init; } = [];

    /// <summary>
    /// Existing source buckets whose object-created and object-removed events are sent to an events queue. Each must
    /// be the source of a route, and the cluster must run on the source side (PUT). Default: none, and no events queue.
    /// </summary>
    public IReadOnlyList<string> EventSourceBuckets { get; init; } = [];

    /// <summary>Allow the silos to delete objects under the local destination prefixes (GET only). Default false.</summary>
    public bool AllowDestinationDeletes { get; init; }

    /// <summary>KMS keys of SSE-KMS encrypted local buckets; the role may decrypt (PUT) or encrypt (GET) with them. Default: none.</summary>
    public IReadOnlyList<string> BucketKmsKeyArns { get; init; } = [];

    // ---- Network ----

    /// <summary>Public subnets only, or private subnets behind NAT. Default <see cref="NetworkLayout.PublicSubnets"/>.</summary>
    public NetworkLayout Network { get; init; } = NetworkLayout.PublicSubnets;

    /// <summary>Address range of the VPC. Default 10.10.0.0/16.</summary>
    public string VpcCidr { get; init; } = "10.10.0.0/16";

    /// <summary>Availability zones the VPC spans; at least 2. Environment-agnostic stacks can use at most 2. Default 2.</summary>
    public int AvailabilityZoneCount { get; init; } = 2;

    /// <summary>Size of each public subnet, as a prefix length. Default 20 (4,091 addresses).</summary>
    public int PublicSubnetCidrMask { get; init; } = 20;

    /// <summary>Size of each private subnet (private layout), as a prefix length. Default 20.</summary>
    public int PrivateSubnetCidrMask { get; init; } = 20;

    /// <summary>NAT gateways in the private layout; one per zone avoids a cross-zone single point. Default 2.</summary>
    public int NatGateways { get; init; } = 2;

    /// <summary>Add a DynamoDB gateway endpoint next to the S3 one (free; keeps cluster traffic off NAT). Default true.</summary>
    public bool DynamoDbGatewayEndpoint { get; init; } = true;

    // ---- Queues ----

    /// <summary>Receives after which a job message moves to the dead-letter queue. Default 24 (SQS allows 1 to 1,000).</summary>
    public int JobsQueueMaxReceiveCount { get; init; } = 24;

    /// <summary>
    /// Visibility timeout of the jobs and events queues, in seconds; the silo heartbeats at a third of it.
    /// Default 300 (SQS allows 0 to 43,200; below 30 the heartbeat would be too tight).
    /// </summary>
    public int JobVisibilityTimeoutSeconds { get; init; } = 300;

    /// <summary>How long messages are kept in every queue, in days. Default 14, the SQS maximum.</summary>
    public int MessageRetentionDays { get; init; } = 14;

    /// <summary>Long-polling wait of the jobs and events queues, in seconds. Default 20, the SQS maximum.</summary>
    public int ReceiveWaitSeconds { get; init; } = 20;

    // ---- State ----

    /// <summary>Keep the grain-state and reminder tables (resume state, failure lists) when the stack is deleted. Default true.</summary>
    public bool RetainStateOnDelete { get; init; } = true;

    /// <summary>Prefix of the parameters this stack creates; the stack name is appended. Default <c>/s3migrate</c>.</summary>
    public string ParameterPathPrefix { get; init; } = "/s3migrate";

    // ---- Compute (defaults of the CloudFormation parameters) ----

    /// <summary>Processor architecture of the silos. Default <see cref="Configuration.CpuArchitecture.X64"/>.</summary>
    public CpuArchitecture CpuArchitecture { get; init; } = CpuArchitecture.X64;

    /// <summary>Default of the InstanceType parameter. Default c6i.large (x64) or c6g.large (arm64).</summary>
    public string? DefaultInstanceType { get; init; }

    /// <summary>Default of the SecondInstanceType parameter (a second Spot pool). Default c5.large (x64) or m6g.large (arm64).</summary>
    public string? DefaultSecondInstanceType { get; init; }

    /// <summary>Default of the MinCapacity parameter. Default 1.</summary>
    public int DefaultMinCapacity { get; init; } = 1;

    /// <summary>Default of the MaxCapacity parameter. Default 10.</summary>
    public int DefaultMaxCapacity { get; init; } = 10;

    /// <summary>Default of the DesiredCapacity parameter. Default 2.</summary>
    public int DefaultDesiredCapacity { get; init; } = 2;

    /// <summary>Default of the OnDemandBaseCapacity parameter: instances that are never Spot. Default 1.</summary>
    public int DefaultOnDemandBaseCapacity { get; init; } = 1;

    /// <summary>Default of the OnDemandPercentageAboveBase parameter: the rest is Spot. Default 0.</summary>
    public int DefaultOnDemandPercentageAboveBase { get; init; }

    /// <summary>Default of the TargetBacklogPerInstance parameter: visible job messages per silo that scaling aims at. Default 100.</summary>
    public int DefaultTargetBacklogPerInstance { get; init; } = 100;

    /// <summary>Default of the SiloArtifactKey parameter. Default <c>s3migrate/S3Migrate.Silo.tar.gz</c>.</summary>
    public string DefaultSiloArtifactKey { get; init; } = "s3migrate/S3Migrate.Silo.tar.gz";

    /// <summary>Default of the DotnetRuntimeKey parameter. Default <c>s3migrate/aspnetcore-runtime-linux-x64.tar.gz</c> (or -arm64).</summary>
    public string? DefaultDotnetRuntimeKey { get; init; }

    /// <summary>Default of the RemoteCredentialsParameterName parameter. Default <c>/s3migrate/remote-credentials</c>.</summary>
    public string DefaultRemoteCredentialsParameterName { get; init; } = "/s3migrate/remote-credentials";

    /// <summary>Root volume of each silo, in GiB (gp3, encrypted). The silo writes nothing but logs. Default 16.</summary>
    public int RootVolumeGiB { get; init; } = 16;

    /// <summary>One-minute EC2 monitoring (billed per instance). Default false.</summary>
    public bool DetailedMonitoring { get; init; }

    /// <summary>Seconds a new silo needs before its metrics count for scaling (boot, runtime download, start). Default 300.</summary>
    public int InstanceWarmupSeconds { get; init; } = 300;

    /// <summary>Allow Session Manager shells on the silos (AWS's minimal Session Manager permissions). Default true.</summary>
    public bool EnableSessionManager { get; init; } = true;

    // ---- Observability ----

    /// <summary>Retention of the silo and metrics log groups. Default one month.</summary>
    public RetentionDays LogRetention { get; init; } = RetentionDays.ONE_MONTH;

    /// <summary>How often the CloudWatch agent scrapes the silo's Prometheus endpoint, in seconds. Default 60.</summary>
    public int MetricsScrapeIntervalSeconds { get; init; } = 60;

    /// <summary>Period of the alarms, in minutes. Default 5.</summary>
    public int AlarmPeriodMinutes { get; init; } = 5;

    /// <summary>Periods the jobs queue must stay empty before the "migration finished" alarm fires. Default 3.</summary>
    public int QueueDrainedPeriods { get; init; } = 3;

    /// <summary>The instance type default for the chosen architecture.</summary>
    public string InstanceTypeDefault => DefaultInstanceType ?? (CpuArchitecture == CpuArchitecture.Arm64 ? "c6g.large" : "c6i.large");

    /// <summary>The second instance type default for the chosen architecture.</summary>
    public string SecondInstanceTypeDefault => DefaultSecondInstanceType ?? (CpuArchitecture == CpuArchitecture.Arm64 ? "m6g.large" : "c5.large");

    /// <summary>The runtime tarball key default for the chosen architecture.</summary>
    public string DotnetRuntimeKeyDefault => DefaultDotnetRuntimeKey
        ?? (CpuArchitecture == CpuArchitecture.Arm64
            ? "s3migrate/aspnetcore-runtime-linux-arm64.tar.gz"
            : "s3migrate/aspnetcore-runtime-linux-x64.tar.gz");

    /// <summary>Distinct local buckets of the routes, in order of first appearance.</summary>
    public IReadOnlyList<string> LocalBuckets => Routes.Select(r => r.LocalBucket(JobType)).Distinct(StringComparer.Ordinal).ToList();
}
