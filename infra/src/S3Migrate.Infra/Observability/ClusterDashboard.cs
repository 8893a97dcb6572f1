using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Constructs;
using S3Migrate.Infra.Configuration;
using S3Migrate.Infra.Queues;

namespace S3Migrate.Infra.Observability;

/// <summary>
/// One dashboard per deployment, named after the stack: throughput and objects from the silos' metrics, failures and
/// retries, the queues and the dead-letter queue, the group's capacity, and the silos' CPU, network, memory and TCP.
/// </summary>
internal sealed class ClusterDashboard : Construct
{
    /// <summary>Widgets per row are this wide (the dashboard grid is 24 units).</summary>
    private const int ThirdWidth = 8;

    private const int WidgetHeight = 6;

    /// <summary>Time range shown when the dashboard opens.</summary>
    private static readonly Duration DefaultRange = Duration.Hours(3);

    public Dashboard Dashboard { get; }

    public ClusterDashboard(Construct scope, string id, JobQueues queues, ClusterMetrics metrics, ClusterAlarms alarms)
        : base(scope, id)
    {
        Dashboard = new Dashboard(this, "Dashboard", new DashboardProps
        {
            DashboardName = Stack.Of(this).StackName,
            DefaultInterval = DefaultRange,
        });

        var bytes = metrics.Silo(SiloMetrics.BytesTransferred, Stats.SUM, "Bytes");
        Dashboard.AddWidgets(
            Graph("Throughput (bytes/s)",
                new MathExpression(new MathExpressionProps
                {
                    Expression = "bytes / PERIOD(bytes)",
                    UsingMetrics = new Dictionary<string, IMetric> { ["bytes"] = bytes },
                    Label = "Bytes per second",
                })),
            Graph("Objects completed",
                metrics.Silo(SiloMetrics.ObjectsCompleted, Stats.SUM, "Verified", SiloMetrics.OutcomeVerified),
                metrics.Silo(SiloMetrics.ObjectsCompleted, Stats.SUM, "Skipped", SiloMetrics.OutcomeSkipped),
                metrics.Silo(SiloMetrics.ObjectsCompleted, Stats.SUM, "Failed", SiloMetrics.OutcomeFailed)),
            Graph("Objects and parts in flight",
                metrics.Silo(SiloMetrics.ObjectsInFlight, Stats.SUM, "Objects in flight"),
                metrics.Silo(SiloMetrics.PartsTransferred, Stats.SUM, "Parts transferred")));

        var queueMetrics = new List<IMetric>();
        foreach (var (queue, name) in queues.Consumed.Select(q => (q, q == queues.Jobs ? "Jobs" : "Events")))
        {
            queueMetrics.Add(queue.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Statistic = Stats.MAXIMUM, Label = $"{name} waiting" }));
            queueMetrics.Add(queue.MetricApproximateNumberOfMessagesNotVisible(new MetricOptions { Statistic = Stats.MAXIMUM, Label = $"{name} in flight" }));
        }

        Dashboard.AddWidgets(
            Graph("Failures and retries",
                metrics.Silo(SiloMetrics.ObjectsCompleted, Stats.SUM, "Objects failed", SiloMetrics.OutcomeFailed),
                metrics.Silo(SiloMetrics.Retries, Stats.SUM, "Retries")),
            Graph("Queues: visible and in flight", [.. queueMetrics]),
            Graph("Dead-letter queue",
                queues.DeadLetters.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Statistic = Stats.MAXIMUM, Label = "Dead letters" })));

        Dashboard.AddWidgets(
            Graph("Silos (group capacity)",
                metrics.Group("GroupDesiredCapacity", "Desired"),
                metrics.Group("GroupInServiceInstances", "In service"),
                metrics.Group("GroupMinSize", "Min"),
                metrics.Group("GroupMaxSize", "Max")),
            Graph("CPU (%)",
                metrics.Ec2("CPUUtilization", Stats.AVERAGE, "Average"),
                metrics.Ec2("CPUUtilization", Stats.MAXIMUM, "Busiest silo")),
            Graph("Network (bytes/s)",
                new MathExpression(new MathExpressionProps
                {
                    Expression = "netIn / PERIOD(netIn)",
                    UsingMetrics = new Dictionary<string, IMetric> { ["netIn"] = metrics.Ec2("NetworkIn", Stats.SUM, "In") },
                    Label = "In",
                }),
                new MathExpression(new MathExpressionProps
                {
                    Expression = "netOut / PERIOD(netOut)",
                    UsingMetrics = new Dictionary<string, IMetric> { ["netOut"] = metrics.Ec2("NetworkOut", Stats.SUM, "Out") },
                    Label = "Out",
                })));

        Dashboard.AddWidgets(
            Graph("Memory (%) and TCP connections",
                metrics.Host(SiloMetrics.MemoryUsedPercent, Stats.MAXIMUM, "Memory used, busiest silo"),
                metrics.Host(SiloMetrics.TcpEstablished, Stats.MAXIMUM, "TCP connections, busiest silo")),
            new AlarmStatusWidget(new AlarmStatusWidgetProps
            {
                Title = "Alarms",
                Alarms = [alarms.DeadLettersPresent, alarms.MigrationFinished],
                Width = ThirdWidth,
                Height = WidgetHeight,
            }));
    }

    private static GraphWidget Graph(string title, params IMetric[] left) => new(new GraphWidgetProps
    {
        Title = title,
        Left = left,
        Width = ThirdWidth,
        Height = WidgetHeight,
    });
}
