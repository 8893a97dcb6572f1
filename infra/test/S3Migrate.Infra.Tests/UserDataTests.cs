using System.Text.Json.Nodes;
using S3Migrate.Infra.Tests.Support;
using Xunit;

namespace S3Migrate.Infra.Tests;

[Collection(SharedStacksDefinition.Name)]
public sealed class UserDataTests(Stacks stacks)
{
    private const string AgentConfigPath = "/opt/aws/amazon-cloudwatch-agent/etc/s3migrate-agent.json";
    private const string ScrapeConfigPath = "/opt/aws/amazon-cloudwatch-agent/etc/s3migrate-prometheus.yaml";

    /// <summary>EC2's limit on user data, before base64.</summary>
    private const int UserDataLimitBytes = 16 * 1024;

    /// <summary>Room for the resolved values (table and queue names, ARNs) that replace the ${...} placeholders.</summary>
    private const int ResolvedValuesAllowanceBytes = 2048;

    [Fact]
    public void EnablesBbrWithFqNowAndAfterEveryReboot()
    {
        var stack = stacks.PutSide;
        Assert.Equal("tcp_bbr\nsch_fq", stack.FileWrittenByUserData("/etc/modules-load.d/s3migrate-bbr.conf"));
        var sysctl = stack.FileWrittenByUserData("/etc/sysctl.d/90-s3migrate-bbr.conf");
        Assert.Contains("net.core.default_qdisc = fq", sysctl, StringComparison.Ordinal);
        Assert.Contains("net.ipv4.tcp_congestion_control = bbr", sysctl, StringComparison.Ordinal);

        var lines = stack.UserData().Split('\n');
        Assert.Contains("modprobe tcp_bbr", lines);
        Assert.Contains("modprobe sch_fq", lines);
        Assert.Contains("sysctl --system", lines);
    }

    [Fact]
    public void InstallsTheRuntimeAndTheSiloFromTheArtifactBucket()
    {
        var lines = stacks.PutSide.UserData().Split('\n');
        Assert.Contains(lines, l => l.StartsWith("aws s3 cp", StringComparison.Ordinal) && l.Contains("--region ${AWS::Region}", StringComparison.Ordinal) && l.Contains("\"s3://${ArtifactBucket}/${DotnetRuntimeKey}\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("aws s3 cp", StringComparison.Ordinal) && l.Contains("\"s3://${ArtifactBucket}/${SiloArtifactKey}\"", StringComparison.Ordinal));
        Assert.Contains("tar -xzf \"$work/dotnet.tar.gz\" -C /opt/dotnet", lines);
        Assert.Contains("tar -xzf \"$work/silo.tar.gz\" -C /opt/s3migrate/silo", lines);
        Assert.Contains("test -f /opt/s3migrate/silo/S3Migrate.Silo.dll", lines);
    }

    [Fact]
    public void RunsTheSiloAsARestartingSystemdServiceWithItsEnvironmentFile()
    {
        var stack = stacks.PutSide;
        var unit = stack.FileWrittenByUserData("/etc/systemd/system/s3migrate-silo.service").Split('\n');
        Assert.Contains("Restart=always", unit);
        Assert.Contains("EnvironmentFile=/etc/s3migrate/silo.env", unit);
        Assert.Contains("ExecStart=/opt/dotnet/dotnet /opt/s3migrate/silo/S3Migrate.Silo.dll", unit);
        Assert.Contains("WantedBy=multi-user.target", unit);
        Assert.Contains("systemctl enable --now s3migrate-silo.service", stack.UserData().Split('\n'));
    }

    [Fact]
    public void EnvironmentFileCarriesEverySettingTheSiloReads()
    {
        var stack = stacks.PutSide;
        string Ref(string type, string prefix, string attribute = "") =>
            "${" + stack.Id(type, prefix) + (attribute.Length > 0 ? "." + attribute : string.Empty) + "}";

        var expected = new Dictionary<string, string>
        {
            ["S3Migrate__Mode"] = "Cluster",
            ["S3Migrate__Cluster__ClusterId"] = "S3Migrate-PutSide",
            ["S3Migrate__Cluster__ServiceId"] = "S3Migrate-PutSide",
            ["S3Migrate__Cluster__Region"] = "${AWS::Region}",
            ["S3Migrate__Cluster__MembershipTableName"] = Ref("AWS::DynamoDB::Table", "TablesMembershipTable"),
            ["S3Migrate__Cluster__GrainStateTableName"] = Ref("AWS::DynamoDB::Table", "TablesGrainStateTable"),
            ["S3Migrate__Cluster__ReminderTableName"] = Ref("AWS::DynamoDB::Table", "TablesReminderTable"),
            ["S3Migrate__Cluster__JobsQueueName"] = Ref("AWS::SQS::Queue", "QueuesJobsQueue", "QueueName"),
            ["S3Migrate__Cluster__EventsQueueName"] = Ref("AWS::SQS::Queue", "QueuesEventsQueue", "QueueName"),
            ["S3Migrate__Cluster__JobVisibilityTimeoutSeconds"] = "300",
            ["S3Migrate__Cluster__SiloPort"] = "11111",
            ["S3Migrate__Cluster__GatewayPort"] = "30000",
            ["S3Migrate__Migrations__ParameterName"] = "/s3migrate/S3Migrate-PutSide/migrations",
            ["S3Migrate__JobType"] = "PUT",
            ["S3Migrate__RemoteCredentials__ParameterName"] = "${RemoteCredentialsParameterName}",
            ["S3Migrate__Metrics__PrometheusPort"] = "9464",
            ["S3Migrate__Metrics__MigrationFinishedTopicArn"] = Ref("AWS::SNS::Topic", "NotificationsTopic"),
        };
        Assert.Equal(expected, stack.SiloEnvironment());
    }

    [Fact]
    public void CloudWatchAgentPublishesTheSiloMetricsIntoTheS3MigrateNamespace()
    {
        var stack = stacks.PutSide;
        var scrape = stack.FileWrittenByUserData(ScrapeConfigPath);
        Assert.Contains("job_name: s3migrate", scrape, StringComparison.Ordinal);
        Assert.Contains("metrics_path: /metrics", scrape, StringComparison.Ordinal);
        Assert.Contains("targets: ['127.0.0.1:9464']", scrape, StringComparison.Ordinal);

        var agent = JsonNode.Parse(stack.FileWrittenByUserData(AgentConfigPath))!;
        var prometheus = agent["logs"]!["metrics_collected"]!["prometheus"]!;
        Assert.Equal(ScrapeConfigPath, prometheus["prometheus_config_path"]!.GetValue<string>());
        Assert.Equal("S3Migrate-PutSide", prometheus["cluster_name"]!.GetValue<string>());
        Assert.Equal("/s3migrate/S3Migrate-PutSide/metrics", prometheus["log_group_name"]!.GetValue<string>());
        var emf = prometheus["emf_processor"]!;
        Assert.Equal("S3Migrate", emf["metric_namespace"]!.GetValue<string>());

        var selected = emf["metric_declaration"]!.AsArray()
            .SelectMany(d => d!["metric_selectors"]!.AsArray().Select(s => s!.GetValue<string>().Trim('^', '$')))
            .Order();
        Assert.Equal(
            ["s3migrate_bytes_transferred_total", "s3migrate_objects_completed_total", "s3migrate_objects_in_flight", "s3migrate_parts_transferred_total", "s3migrate_retries_total"],
            selected);
        var completed = emf["metric_declaration"]!.AsArray().Single(d => d!["metric_selectors"]!.AsArray().Any(s => s!.GetValue<string>().Contains("objects_completed", StringComparison.Ordinal)))!;
        Assert.Equal("""[["ClusterName","outcome"]]""", completed["dimensions"]!.ToJsonString());

        Assert.Contains(
            $"  /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:{AgentConfigPath}",
            stack.UserData().Split('\n'));
    }

    [Fact]
    public void CloudWatchAgentShipsTheSiloLogToTheClusterLogGroup()
    {
        var agent = JsonNode.Parse(stacks.PutSide.FileWrittenByUserData(AgentConfigPath))!;
        var files = agent["logs"]!["logs_collected"]!["files"]!["collect_list"]!.AsArray();
        Assert.Contains(files, f => f!["file_path"]!.GetValue<string>() == "/var/log/s3migrate/silo.log"
            && f["log_group_name"]!.GetValue<string>() == "/s3migrate/S3Migrate-PutSide/silo");
        Assert.Contains("StandardOutput=append:/var/log/s3migrate/silo.log", stacks.PutSide.FileWrittenByUserData("/etc/systemd/system/s3migrate-silo.service").Split('\n'));
    }

    [Fact]
    public void UserDataIsValidBashThatStopsAtTheFirstError()
    {
        var script = stacks.PutSide.UserData();
        Assert.StartsWith("#!/bin/bash\nset -euo pipefail\n", script, StringComparison.Ordinal);
        var check = ProcessRunner.Run("bash", ["-n"], Path.GetTempPath(), TimeSpan.FromSeconds(30), standardInput: script);
        Assert.True(check.ExitCode == 0, check.Everything);
    }

    [Fact]
    public void UserDataFitsTheEc2Limit()
    {
        foreach (var stack in new[] { stacks.PutSide, stacks.GetSide })
        {
            Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(stack.UserData()), 1, UserDataLimitBytes - ResolvedValuesAllowanceBytes);
        }
    }
}
