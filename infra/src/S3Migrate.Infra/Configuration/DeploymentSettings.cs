using System.Text.Json;
using System.Text.Json.Serialization;

namespace S3Migrate.Infra.Configuration;

/// <summary>
/// The operator's settings file (JSON, camelCase), named by the context key <c>s3migrate:settings</c>
/// (for example <c>cdk synth -c s3migrate:settings=deploy.json</c>). Every field is optional; an absent field keeps the
/// variant's default. The routes use the original tool's bucket-list format.
/// </summary>
internal sealed record DeploymentSettings
{
    public JobType? JobType { get; init; }

    public IReadOnlyList<BucketRoute>? Routes { get; init; }

    public IReadOnlyList<string>? EventSourceBuckets { get; init; }

    public bool? AllowDestinationDeletes { get; init; }

    public IReadOnlyList<string>? BucketKmsKeyArns { get; init; }

    public NetworkLayout? Network { get; init; }

    public int? NatGateways { get; init; }

    public bool? DynamoDbGatewayEndpoint { get; init; }

    public int? JobsQueueMaxReceiveCount { get; init; }

    public int? JobVisibilityTimeoutSeconds { get; init; }

    public bool? RetainStateOnDelete { get; init; }

    public CpuArchitecture? CpuArchitecture { get; init; }

    public bool? EnableSessionManager { get; init; }

    /// <summary>No settings file: every variant keeps its defaults.</summary>
    public static DeploymentSettings None { get; } = new();

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter() },
    };

    public static DeploymentSettings Parse(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<DeploymentSettings>(json, Json)
                ?? throw new ArgumentException($"Settings file {source} is empty.");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"Settings file {source} is not valid: {e.Message}", e);
        }
    }

    public static DeploymentSettings Load(string? path) =>
        string.IsNullOrWhiteSpace(path) ? None : Parse(File.ReadAllText(path), path);

    /// <summary>Stack properties for a variant: the settings where given, otherwise the variant's job type and the defaults.</summary>
    public S3MigrateStackProps ToStackProps(JobType variantJobType, string description)
    {
        var defaults = new S3MigrateStackProps();
        return new S3MigrateStackProps
        {
            Description = description,
            JobType = JobType ?? variantJobType,
            Routes = Routes ?? defaults.Routes,
            EventSourceBuckets = EventSourceBuckets ?? defaults.EventSourceBuckets,
            AllowDestinationDeletes = AllowDestinationDeletes ?? defaults.AllowDestinationDeletes,
            BucketKmsKeyArns = BucketKmsKeyArns ?? defaults.BucketKmsKeyArns,
            Network = Network ?? defaults.Network,
            NatGateways = NatGateways ?? defaults.NatGateways,
            DynamoDbGatewayEndpoint = DynamoDbGatewayEndpoint ?? defaults.DynamoDbGatewayEndpoint,
            JobsQueueMaxReceiveCount = JobsQueueMaxReceiveCount ?? defaults.JobsQueueMaxReceiveCount,
            JobVisibilityTimeoutSeconds = JobVisibilityTimeoutSeconds ?? defaults.JobVisibilityTimeoutSeconds,
            RetainStateOnDelete = RetainStateOnDelete ?? defaults.RetainStateOnDelete,
            CpuArchitecture = CpuArchitecture ?? defaults.CpuArchitecture,
            EnableSessionManager = EnableSessionManager ?? defaults.EnableSessionManager,
        };
    }
}
