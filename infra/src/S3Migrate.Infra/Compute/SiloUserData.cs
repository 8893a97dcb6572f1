using Amazon.CDK;
using Amazon.CDK.AWS.EC2;
using static S3Migrate.Infra.Compute.SiloHostLayout;

namespace S3Migrate.Infra.Compute;

/// <summary>
/// The first-boot script of a silo: TCP BBR with fq (persisted), the .NET runtime and the silo package from the
/// artifact bucket, the environment file, the systemd service, log rotation, and the CloudWatch agent. The silo starts
/// even if the agent cannot be installed; the script fails (and the instance stays unhealthy) if the silo cannot.
/// </summary>
internal static class SiloUserData
{
    public static UserData Create(Stack stack, SiloFleetInputs inputs)
    {
        var parameters = inputs.Parameters;
        var region = stack.Region;
        var artifactBucket = parameters.ArtifactBucket.ValueAsString;
        var environment = SiloEnvironment.For(stack, inputs).Select(e => $"{e.Key}={e.Value}");
        var agentConfig = CloudWatchAgentConfiguration.AgentConfig(
            stack.StackName, inputs.Logs.SiloLogGroupName, inputs.Logs.MetricsLogGroupName, inputs.Props.MetricsScrapeIntervalSeconds);

        var lines = new List<string>
        {
            "set -euo pipefail",
            string.Empty,
            "# TCP BBR congestion control with the fq qdisc, now and at every boot.",
        };
        lines.AddRange(WriteFile("/etc/modules-load.d/s3migrate-bbr.conf", "tcp_bbr\nsch_fq"));
        lines.Add("modprobe tcp_bbr");
        lines.Add("modprobe sch_fq");
        lines.AddRange(WriteFile("/etc/sysctl.d/90-s3migrate-bbr.conf", "net.core.default_qdisc = fq\nnet.ipv4.tcp_congestion_control = bbr"));
        lines.Add("sysctl --system");

        lines.Add(string.Empty);
        lines.Add("# Log shipping and rotation; the silo does not depend on them.");
        lines.Add("dnf install -y amazon-cloudwatch-agent logrotate || echo 'warning: could not install amazon-cloudwatch-agent/logrotate' >&2");

        lines.Add(string.Empty);
        lines.Add("# The .NET runtime and the silo package, from the artifact bucket in this region.");
        lines.Add($"install -d -m 0755 {DotnetDirectory} {SiloDirectory}");
        lines.Add("work=$(mktemp -d)");
        lines.Add($"aws s3 cp --only-show-errors --region {region} \"s3://{artifactBucket}/{parameters.DotnetRuntimeKey.ValueAsString}\" \"$work/dotnet.tar.gz\"");
        lines.Add($"aws s3 cp --only-show-errors --region {region} \"s3://{artifactBucket}/{parameters.SiloArtifactKey.ValueAsString}\" \"$work/silo.tar.gz\"");
        lines.Add($"tar -xzf \"$work/dotnet.tar.gz\" -C {DotnetDirectory}");
        lines.Add($"tar -xzf \"$work/silo.tar.gz\" -C {SiloDirectory}");
        lines.Add("rm -rf \"$work\"");
        lines.Add($"test -f {SiloDirectory}/{SiloAssembly}");

        lines.Add(string.Empty);
        lines.Add("# The service account, the silo's settings and its log.");
        lines.Add($"id -u {ServiceUser} >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin {ServiceUser}");
        lines.Add($"install -d -m 0755 {ConfigDirectory}");
        lines.Add($"install -d -m 0755 -o {ServiceUser} -g {ServiceUser} {LogDirectory}");
        lines.AddRange(WriteFile(EnvironmentFile, string.Join('\n', environment)));
        lines.Add($"chmod 0600 {EnvironmentFile}");
        lines.AddRange(WriteFile("/etc/logrotate.d/s3migrate", string.Join('\n',
            $"{LogDirectory}/*.log {{",
            "  daily",
            $"  maxsize {LogRotateMaxSize}",
            $"  rotate {RotatedLogsKept}",
            "  compress",
            "  missingok",
            "  notifempty",
            "  copytruncate",
            "}")));

        lines.Add(string.Empty);
        lines.Add("# The silo as a systemd service.");
        lines.AddRange(WriteFile($"/etc/systemd/system/{ServiceName}.service", SiloServiceUnit.Text));
        lines.Add("systemctl daemon-reload");
        lines.Add($"systemctl enable --now {ServiceName}.service");

        lines.Add(string.Empty);
        lines.Add("# The CloudWatch agent: logs, host metrics, and the silo's Prometheus metrics.");
        lines.Add("if rpm -q amazon-cloudwatch-agent >/dev/null 2>&1; then");
        lines.AddRange(WriteFile(PrometheusConfigFile, CloudWatchAgentConfiguration.PrometheusScrapeConfig(inputs.Props.MetricsScrapeIntervalSeconds)));
        lines.AddRange(WriteFile(AgentConfigFile, agentConfig));
        lines.Add($"  {AgentControl} -a fetch-config -m ec2 -s -c file:{AgentConfigFile}");
        lines.Add("  systemctl enable amazon-cloudwatch-agent.service");
        lines.Add("else");
        lines.Add("  echo 'warning: amazon-cloudwatch-agent is not installed; no logs or silo metrics reach CloudWatch' >&2");
        lines.Add("fi");
        lines.Add("systemctl enable --now logrotate.timer || true");

        var userData = UserData.ForLinux();
        userData.AddCommands([.. lines]);
        return userData;
    }

    /// <summary>A quoted here-document, so nothing in <paramref name="content"/> is expanded by the shell.</summary>
    private static IEnumerable<string> WriteFile(string path, string content)
    {
        yield return $"cat > {path} <<'S3MIGRATE_EOF'";
        foreach (var line in content.Split('\n'))
        {
            yield return line;
        }

        yield return "S3MIGRATE_EOF";
    }
}
