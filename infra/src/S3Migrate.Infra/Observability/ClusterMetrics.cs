using Amazon.CDK;
using Amazon.CDK.AWS.AutoScaling;
using Amazon.CDK.AWS.CloudWatch;
using S3Migrate.Infra.Configuration;

namespace S3Migrate.Infra.Observability;

/// <summary>The CloudWatch metrics of one deployment: the silos' own (via the CloudWatch agent), the group's and EC2's.</summary>
internal sealed class ClusterMetrics(string clusterName, IAutoScalingGroup group)
{
    /// <summary>The silo metrics arrive once per scrape; one minute shows each scrape's delta.</summary>
    private static readonly Duration SiloPeriod = Duration.Minutes(1);

    public Metric Silo(string metricName, string statistic, string label, string? outcome = null)
    {
        var dimensions = new Dictionary<string, string> { [SiloMetrics.ClusterDimension] = clusterName };
        if (outcome is not null)
        {
            dimensions[SiloMetrics.OutcomeLabel] = outcome;
        }

        return new Metric(new MetricProps
        {
            Namespace = SiloMetrics.Namespace,
            MetricName = metricName,
            DimensionsMap = dimensions,
            Statistic = statistic,
            Period = SiloPeriod,
            Label = label,
        });
    }

    public Metric Host(string metricName, string statistic, string label) => new(new MetricProps
    {
        Namespace = SiloMetrics.Namespace,
        MetricName = metricName,
        DimensionsMap = new Dictionary<string, string> { ["AutoScalingGroupName"] = group.AutoScalingGroupName },
        Statistic = statistic,
        Label = label,
    });

    public Metric Group(string metricName, string label) => new(new MetricProps
    {
        Namespace = "AWS/AutoScaling",
        MetricName = metricName,
        DimensionsMap = new Dictionary<string, string> { ["AutoScalingGroupName"] = group.AutoScalingGroupName },
        Statistic = Stats.AVERAGE,
        Label = label,
    });

    public Metric Ec2(string metricName, string statistic, string label) => new(new MetricProps
    {
        Namespace = "AWS/EC2",
        MetricName = metricName,
        DimensionsMap = new Dictionary<string, string> { ["AutoScalingGroupName"] = group.AutoScalingGroupName },
        Statistic = statistic,
        Label = label,
    });
}
