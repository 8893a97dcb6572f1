namespace S3Migrate.Infra.Configuration;

/// <summary>
/// The settings the silo (<c>S3Migrate.Silo</c>) reads from its environment, and the fixed values both sides agree on.
/// Environment variable names use .NET's <c>__</c> hierarchy separator under the <c>S3Migrate</c> section.
/// </summary>
internal static class SiloContract
{
    public const string Mode = "S3Migrate__Mode";
    public const string ClusterId = "S3Migrate__Cluster__ClusterId";
    public const string ServiceId = "S3Migrate__Cluster__ServiceId";
    public const string Region = "S3Migrate__Cluster__Region";
    public const string MembershipTableName = "S3Migrate__Cluster__MembershipTableName";
    public const string GrainStateTableName = "S3Migrate__Cluster__GrainStateTableName";
    public const string ReminderTableName = "S3Migrate__Cluster__ReminderTableName";
    public const string JobsQueueName = "S3Migrate__Cluster__JobsQueueName";
    public const string EventsQueueName = "S3Migrate__Cluster__EventsQueueName";
    public const string JobVisibilityTimeoutSeconds = "S3Migrate__Cluster__JobVisibilityTimeoutSeconds";
    public const string SiloPort = "S3Migrate__Cluster__SiloPort";
    public const string GatewayPort = "S3Migrate__Cluster__GatewayPort";
    public const string MigrationsParameterName = "S3Migrate__Migrations__ParameterName";
    public const string JobType = "S3Migrate__JobType";
    public const string RemoteCredentialsParameterName = "S3Migrate__RemoteCredentials__ParameterName";
    public const string PrometheusPort = "S3Migrate__Metrics__PrometheusPort";
    public const string MigrationFinishedTopicArn = "S3Migrate__Metrics__MigrationFinishedTopicArn";

    /// <summary>Value of <see cref="Mode"/> for silos clustered through DynamoDB and fed by SQS.</summary>
    public const string ClusterMode = "Cluster";

    /// <summary>Orleans silo-to-silo port.</summary>
    public const int SiloPortNumber = 11111;

    /// <summary>Orleans client gateway port.</summary>
    public const int GatewayPortNumber = 30000;

    /// <summary>Port of the silo's Prometheus text endpoint, served on 127.0.0.1 only.</summary>
    public const int PrometheusPortNumber = 9464;

    /// <summary>Path of the silo's Prometheus text endpoint.</summary>
    public const string PrometheusPath = "/metrics";
}
