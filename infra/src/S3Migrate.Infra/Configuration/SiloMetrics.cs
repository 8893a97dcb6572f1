namespace S3Migrate.Infra.Configuration;

/// <summary>The Prometheus metrics the silo exposes, and where they land in CloudWatch.</summary>
internal static class SiloMetrics
{
    /// <summary>CloudWatch namespace of the silo's metrics and of the host metrics the CloudWatch agent collects.</summary>
    public const string Namespace = "S3Migrate";

    /// <summary>Dimension the CloudWatch agent adds from its <c>cluster_name</c> setting; its value is the stack name.</summary>
    public const string ClusterDimension = "ClusterName";

    /// <summary>Label of <see cref="ObjectsCompleted"/> that says how an object ended.</summary>
    public const string OutcomeLabel = "outcome";

    public const string BytesTransferred = "s3migrate_bytes_transferred_total";
    public const string ObjectsCompleted = "s3migrate_objects_completed_total";
    public const string PartsTransferred = "s3migrate_parts_transferred_total";
    public const string Retries = "s3migrate_retries_total";
    public const string ObjectsInFlight = "s3migrate_objects_in_flight";

    public const string OutcomeVerified = "verified";
    public const string OutcomeFailed = "failed";
    public const string OutcomeSkipped = "skipped";

    /// <summary>Counters: the CloudWatch agent turns them into per-scrape deltas.</summary>
    public static IReadOnlyList<string> UnlabelledCounters { get; } = [BytesTransferred, PartsTransferred, Retries];

    /// <summary>Gauges: sent as scraped.</summary>
    public static IReadOnlyList<string> Gauges { get; } = [ObjectsInFlight];

    /// <summary>Host metrics the CloudWatch agent publishes into <see cref="Namespace"/>.</summary>
    public const string MemoryUsedPercent = "mem_used_percent";

    public const string TcpEstablished = "netstat_tcp_established";
}
