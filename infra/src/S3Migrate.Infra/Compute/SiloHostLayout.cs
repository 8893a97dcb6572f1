namespace S3Migrate.Infra.Compute;

/// <summary>Where things live on a silo instance (Amazon Linux 2023), and how the silo service behaves.</summary>
internal static class SiloHostLayout
{
    public const string DotnetDirectory = "/opt/dotnet";
    public const string SiloDirectory = "/opt/s3migrate/silo";
    public const string SiloAssembly = "S3Migrate.Silo.dll";
    public const string ConfigDirectory = "/etc/s3migrate";
    public const string EnvironmentFile = ConfigDirectory + "/silo.env";
    public const string LogDirectory = "/var/log/s3migrate";
    public const string SiloLogFile = LogDirectory + "/silo.log";
    public const string CloudInitLogFile = "/var/log/cloud-init-output.log";
    public const string ServiceName = "s3migrate-silo";
    public const string ServiceUser = "s3migrate";

    public const string AgentDirectory = "/opt/aws/amazon-cloudwatch-agent";
    public const string AgentConfigFile = AgentDirectory + "/etc/s3migrate-agent.json";
    public const string PrometheusConfigFile = AgentDirectory + "/etc/s3migrate-prometheus.yaml";
    public const string AgentControl = AgentDirectory + "/bin/amazon-cloudwatch-agent-ctl";

    /// <summary>Seconds systemd waits before restarting a silo that exited.</summary>
    public const int RestartDelaySeconds = 5;

    /// <summary>Seconds a stopping silo gets to hand its work over (a Spot interruption notice gives 120).</summary>
    public const int StopTimeoutSeconds = 90;

    /// <summary>Open files (sockets) the silo may hold: many objects, each with many parts in flight.</summary>
    public const int OpenFileLimit = 65536;

    /// <summary>Rotated silo log files kept on disk (CloudWatch Logs keeps the history).</summary>
    public const int RotatedLogsKept = 5;

    /// <summary>Size at which the silo log is rotated early.</summary>
    public const string LogRotateMaxSize = "512M";
}
