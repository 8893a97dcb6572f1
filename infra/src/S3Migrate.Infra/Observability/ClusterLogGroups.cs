using Amazon.CDK;
using Amazon.CDK.AWS.Logs;
using Constructs;
using S3Migrate.Infra.Configuration;

namespace S3Migrate.Infra.Observability;

/// <summary>
/// Log groups the CloudWatch agent writes to: the silo's log and cloud-init output, and the embedded-metric-format
/// events that turn the silo's Prometheus metrics into CloudWatch metrics. Named after the stack so operators find them.
/// </summary>
internal sealed class ClusterLogGroups : Construct
{
    public LogGroup Silo { get; }

    public string SiloLogGroupName { get; }

    public string MetricsLogGroupName { get; }

    public LogGroup Metrics { get; }

    public ClusterLogGroups(Construct scope, string id, S3MigrateStackProps props)
        : base(scope, id)
    {
        var prefix = $"/s3migrate/{Stack.Of(this).StackName}";
        SiloLogGroupName = prefix + "/silo";
        MetricsLogGroupName = prefix + "/metrics";
        Silo = NewLogGroup("SiloLogs", SiloLogGroupName, props);
        Metrics = NewLogGroup("MetricLogs", MetricsLogGroupName, props);
    }

    // Fixed names would make a retained group block the next deployment of the same stack; logs go with the stack.
    private LogGroup NewLogGroup(string id, string name, S3MigrateStackProps props) => new(this, id, new LogGroupProps
    {
        LogGroupName = name,
        Retention = props.LogRetention,
        RemovalPolicy = RemovalPolicy.DESTROY,
    });
}
