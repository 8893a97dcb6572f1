using System.Text.Json.Nodes;
using S3Migrate.Infra.Tests.Support;
using Xunit;
using static S3Migrate.Infra.Tests.Support.Intrinsics;

namespace S3Migrate.Infra.Tests;

[Collection(SharedStacksDefinition.Name)]
public sealed class ObservabilityTests(Stacks stacks)
{
    private static JsonArray Widgets(SynthesizedTemplate stack)
    {
        var dashboard = stack.Properties(stack.OnlyResource("AWS::CloudWatch::Dashboard").Id);
        return JsonNode.Parse(Render(dashboard["DashboardBody"]))!["widgets"]!.AsArray();
    }

    /// <summary>Every metric a widget plots, as (namespace, metric name).</summary>
    private static IEnumerable<(string Namespace, string Name)> Plotted(JsonNode widget) =>
        (widget["properties"]!["metrics"]?.AsArray() ?? [])
            .Select(m => m!.AsArray())
            .Where(m => m[0]!.GetValueKind() == System.Text.Json.JsonValueKind.String)
            .Select(m => (m[0]!.GetValue<string>(), m[1]!.GetValue<string>()));

    [Fact]
    public void DashboardShowsThroughputObjectsFailuresQueuesCapacityCpuAndNetwork()
    {
        var stack = stacks.PutSide;
        Assert.Equal("S3Migrate-PutSide", stack.Properties(stack.OnlyResource("AWS::CloudWatch::Dashboard").Id)["DashboardName"]!.GetValue<string>());

        var widgets = Widgets(stack);
        var byTitle = widgets.Where(w => w!["properties"]!["title"] is not null)
            .ToDictionary(w => w!["properties"]!["title"]!.GetValue<string>(), w => Plotted(w!).ToList());

        Assert.Contains(("S3Migrate", "s3migrate_bytes_transferred_total"), byTitle["Throughput (bytes/s)"]);
        Assert.Contains(("S3Migrate", "s3migrate_objects_completed_total"), byTitle["Objects completed"]);
        Assert.Contains(("S3Migrate", "s3migrate_objects_in_flight"), byTitle["Objects and parts in flight"]);
        Assert.Contains(("S3Migrate", "s3migrate_retries_total"), byTitle["Failures and retries"]);
        Assert.Contains(("S3Migrate", "s3migrate_objects_completed_total"), byTitle["Failures and retries"]);
        Assert.Contains(("AWS/SQS", "ApproximateNumberOfMessagesVisible"), byTitle["Queues: visible and in flight"]);
        Assert.Contains(("AWS/SQS", "ApproximateNumberOfMessagesNotVisible"), byTitle["Queues: visible and in flight"]);
        Assert.Contains(("AWS/SQS", "ApproximateNumberOfMessagesVisible"), byTitle["Dead-letter queue"]);
        Assert.Contains(("AWS/AutoScaling", "GroupInServiceInstances"), byTitle["Silos (group capacity)"]);
        Assert.Contains(("AWS/AutoScaling", "GroupDesiredCapacity"), byTitle["Silos (group capacity)"]);
        Assert.Contains(("AWS/EC2", "CPUUtilization"), byTitle["CPU (%)"]);
        Assert.Contains(("AWS/EC2", "NetworkIn"), byTitle["Network (bytes/s)"]);
        Assert.Contains(("AWS/EC2", "NetworkOut"), byTitle["Network (bytes/s)"]);
        Assert.Contains(("S3Migrate", "mem_used_percent"), byTitle["Memory (%) and TCP connections"]);
    }

    [Fact]
    public void DashboardReadsTheSiloMetricsOfThisCluster()
    {
        var stack = stacks.PutSide;
        var siloMetrics = Widgets(stack)
            .SelectMany(w => w!["properties"]!["metrics"]?.AsArray() ?? [])
            .Select(m => m!.AsArray())
            .Where(m => m[0]!.GetValueKind() == System.Text.Json.JsonValueKind.String && m[0]!.GetValue<string>() == "S3Migrate" && m[1]!.GetValue<string>().StartsWith("s3migrate_", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(siloMetrics);
        Assert.All(siloMetrics, m =>
        {
            Assert.Equal("ClusterName", m[2]!.GetValue<string>());
            Assert.Equal("S3Migrate-PutSide", m[3]!.GetValue<string>());
        });
    }

    [Fact]
    public void DeadLetterQueueAlarmNotifiesTheTopicAsSoonAsAMessageArrives()
    {
        var stack = stacks.PutSide;
        var alarm = stack.Properties(stack.Id("AWS::CloudWatch::Alarm", "AlarmsDeadLetterQueueNotEmpty"));
        Assert.Equal("ApproximateNumberOfMessagesVisible", alarm["MetricName"]!.GetValue<string>());
        Assert.Equal("${" + stack.Id("AWS::SQS::Queue", "QueuesDeadLetterQueue") + ".QueueName}", Render(alarm["Dimensions"]![0]!["Value"]));
        Assert.Equal("GreaterThanThreshold", alarm["ComparisonOperator"]!.GetValue<string>());
        Assert.Equal(0, alarm["Threshold"]!.GetValue<int>());
        Assert.Equal(["${" + stack.OnlyResource("AWS::SNS::Topic").Id + "}"], RenderAll(alarm["AlarmActions"]));
    }

    [Fact]
    public void MigrationFinishedAlarmFiresWhenEveryQueueStaysDrainedAfterWork()
    {
        var stack = stacks.PutSide;
        var alarm = stack.Properties(stack.Id("AWS::CloudWatch::Alarm", "AlarmsMigrationFinished"));
        var queries = alarm["Metrics"]!.AsArray().Select(q => q!.AsObject()).ToList();
        var expression = queries.Single(q => q["Expression"] is not null)["Expression"]!.GetValue<string>();

        var queueIds = queries
            .Where(q => q["MetricStat"]?["Metric"]?["Namespace"]?.GetValue<string>() == "AWS/SQS")
            .Select(q => (Id: q["Id"]!.GetValue<string>(), Queue: Render(q["MetricStat"]!["Metric"]!["Dimensions"]![0]!["Value"])))
            .ToList();
        Assert.Equal(4, queueIds.Count);
        Assert.Equal(
            new[] { "QueuesJobsQueue", "QueuesEventsQueue" }.Select(p => "${" + stack.Id("AWS::SQS::Queue", p) + ".QueueName}").Order(),
            queueIds.Select(q => q.Queue).Distinct().Order());
        Assert.All(queueIds, q => Assert.Contains(q.Id, expression, StringComparison.Ordinal));

        var bytes = queries.Single(q => q["MetricStat"]?["Metric"]?["MetricName"]?.GetValue<string>() == "s3migrate_bytes_transferred_total");
        Assert.Contains(bytes["Id"]!.GetValue<string>(), expression, StringComparison.Ordinal);
        Assert.Equal(3, alarm["EvaluationPeriods"]!.GetValue<int>());
        Assert.Equal("ignore", alarm["TreatMissingData"]!.GetValue<string>());
        Assert.Equal(["${" + stack.OnlyResource("AWS::SNS::Topic").Id + "}"], RenderAll(alarm["AlarmActions"]));
    }

    [Fact]
    public void SilosAnnounceFinishedMigrationsOnTheSameTopic()
    {
        var stack = stacks.PutSide;
        var topic = "${" + stack.OnlyResource("AWS::SNS::Topic").Id + "}";
        Assert.Equal(topic, stack.SiloEnvironment()["S3Migrate__Metrics__MigrationFinishedTopicArn"]);
        var publish = stack.SiloStatement("PublishNotifications");
        Assert.Equal(["sns:Publish"], RenderAll(publish["Action"]));
        Assert.Equal([topic], RenderAll(publish["Resource"]));
    }

    [Fact]
    public void EmailSubscriptionExistsOnlyWhenAnAddressIsGiven()
    {
        var stack = stacks.PutSide;
        var (id, subscription) = stack.OnlyResource("AWS::SNS::Subscription");
        Assert.Equal("HasNotificationEmail", subscription["Condition"]!.GetValue<string>());
        Assert.Equal("${NotificationEmail}", Render(stack.Properties(id)["Endpoint"]));
        Assert.Equal(string.Empty, stack.Json["Parameters"]!["NotificationEmail"]!["Default"]!.GetValue<string>());
    }

    [Fact]
    public void LogGroupsAreNamedAfterTheStackAndExpire()
    {
        var groups = stacks.PutSide.Resources("AWS::Logs::LogGroup").Select(g => g.Resource["Properties"]!).ToList();
        Assert.Equal(
            ["/s3migrate/S3Migrate-PutSide/metrics", "/s3migrate/S3Migrate-PutSide/silo"],
            groups.Select(g => g["LogGroupName"]!.GetValue<string>()).Order());
        Assert.All(groups, g => Assert.Equal(30, g["RetentionInDays"]!.GetValue<int>()));
    }
}
