using System.Text.Json;
using S3Migrate.Infra.Configuration;

namespace S3Migrate.Infra.Compute;

/// <summary>
/// Configuration of the CloudWatch agent on each silo: ship the silo and cloud-init logs, publish memory and TCP
/// connection counts, and scrape the silo's Prometheus endpoint, turning its metrics into CloudWatch metrics in the
/// <see cref="SiloMetrics.Namespace"/> namespace through embedded-metric-format log events (counters become per-scrape
/// deltas, so a Sum over a period is the amount in that period).
/// </summary>
internal static class CloudWatchAgentConfiguration
{
    /// <summary>The Prometheus job name; the agent matches it to pick the metrics to publish.</summary>
    public const string ScrapeJobName = "s3migrate";

    /// <summary>A scrape that takes longer than this is abandoned; the endpoint is local.</summary>
    private const int ScrapeTimeoutSeconds = 10;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The Prometheus scrape configuration (YAML) the agent reads.</summary>
    public static string PrometheusScrapeConfig(int scrapeIntervalSeconds) => string.Join('\n',
        "global:",
        $"  scrape_interval: {scrapeIntervalSeconds}s",
        $"  scrape_timeout: {ScrapeTimeoutSeconds}s",
        "scrape_configs:",
        $"  - job_name: {ScrapeJobName}",
        $"    metrics_path: {SiloContract.PrometheusPath}",
        "    static_configs:",
        $"      - targets: ['127.0.0.1:{SiloContract.PrometheusPortNumber}']");

    /// <summary>The agent's JSON configuration.</summary>
    /// <param name="clusterName">Value of the <see cref="SiloMetrics.ClusterDimension"/> dimension (the stack name).</param>
    /// <param name="siloLogGroup">Log group for the silo log and cloud-init output.</param>
    /// <param name="metricsLogGroup">Log group for the embedded-metric-format events.</param>
    /// <param name="scrapeIntervalSeconds">Also the host metrics' collection interval.</param>
    public static string AgentConfig(string clusterName, string siloLogGroup, string metricsLogGroup, int scrapeIntervalSeconds)
    {
        var jobMatcher = $"^{ScrapeJobName}$";
        var config = new Dictionary<string, object>
        {
            ["agent"] = new Dictionary<string, object> { ["metrics_collection_interval"] = scrapeIntervalSeconds },
            ["metrics"] = new Dictionary<string, object>
            {
                ["namespace"] = SiloMetrics.Namespace,
                ["append_dimensions"] = new Dictionary<string, object>
                {
                    ["AutoScalingGroupName"] = "${aws:AutoScalingGroupName}",
                    ["InstanceId"] = "${aws:InstanceId}",
                },
                ["aggregation_dimensions"] = new[] { new[] { "AutoScalingGroupName" } },
                ["metrics_collected"] = new Dictionary<string, object>
                {
                    ["mem"] = new Dictionary<string, object> { ["measurement"] = new[] { "used_percent" } },
                    ["netstat"] = new Dictionary<string, object> { ["measurement"] = new[] { "tcp_established" } },
                },
            },
            ["logs"] = new Dictionary<string, object>
            {
                ["logs_collected"] = new Dictionary<string, object>
                {
                    ["files"] = new Dictionary<string, object>
                    {
                        ["collect_list"] = new[]
                        {
                            LogFile(SiloHostLayout.SiloLogFile, siloLogGroup, "silo"),
                            LogFile(SiloHostLayout.CloudInitLogFile, siloLogGroup, "cloud-init"),
                        },
                    },
                },
                ["metrics_collected"] = new Dictionary<string, object>
                {
                    ["prometheus"] = new Dictionary<string, object>
                    {
                        ["cluster_name"] = clusterName,
                        ["log_group_name"] = metricsLogGroup,
                        ["prometheus_config_path"] = SiloHostLayout.PrometheusConfigFile,
                        ["emf_processor"] = new Dictionary<string, object>
                        {
                            ["metric_declaration_dedup"] = true,
                            ["metric_namespace"] = SiloMetrics.Namespace,
                            ["metric_unit"] = new Dictionary<string, string>
                            {
                                [SiloMetrics.BytesTransferred] = "Bytes",
                                [SiloMetrics.ObjectsCompleted] = "Count",
                                [SiloMetrics.PartsTransferred] = "Count",
                                [SiloMetrics.Retries] = "Count",
                                [SiloMetrics.ObjectsInFlight] = "Count",
                            },
                            ["metric_declaration"] = new[]
                            {
                                Declaration(jobMatcher, [SiloMetrics.ClusterDimension], [.. SiloMetrics.UnlabelledCounters, .. SiloMetrics.Gauges]),
                                Declaration(jobMatcher, [SiloMetrics.ClusterDimension, SiloMetrics.OutcomeLabel], [SiloMetrics.ObjectsCompleted]),
                            },
                        },
                    },
                },
            },
        };
        return JsonSerializer.Serialize(config, Indented);
    }

    private static Dictionary<string, object> LogFile(string path, string logGroup, string streamSuffix) => new()
    {
        ["file_path"] = path,
        ["log_group_name"] = logGroup,
        ["log_stream_name"] = "{instance_id}/" + streamSuffix,
    };

    private static Dictionary<string, object> Declaration(string jobMatcher, string[] dimensions, string[] metrics) => new()
    {
        ["source_labels"] = new[] { "job" },
        ["label_matcher"] = jobMatcher,
        ["dimensions"] = new[] { dimensions },
        ["metric_selectors"] = metrics.Select(m => $"^{m}$").ToArray(),
    };
}
