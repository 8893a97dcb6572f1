using static S3Migrate.Infra.Compute.SiloHostLayout;

namespace S3Migrate.Infra.Compute;

/// <summary>The systemd unit that runs the silo: environment from the file, restarted whenever it exits, never given up on.</summary>
internal static class SiloServiceUnit
{
    public static string Text { get; } = string.Join('\n',
        "[Unit]",
        "Description=S3Migrate Orleans silo",
        "Wants=network-online.target",
        "After=network-online.target",
        "StartLimitIntervalSec=0",
        string.Empty,
        "[Service]",
        "Type=exec",
        $"User={ServiceUser}",
        $"Group={ServiceUser}",
        $"EnvironmentFile={EnvironmentFile}",
        $"Environment=DOTNET_ROOT={DotnetDirectory}",
        $"WorkingDirectory={SiloDirectory}",
        $"ExecStart={DotnetDirectory}/dotnet {SiloDirectory}/{SiloAssembly}",
        "Restart=always",
        $"RestartSec={RestartDelaySeconds}",
        $"TimeoutStopSec={StopTimeoutSeconds}",
        $"LimitNOFILE={OpenFileLimit}",
        $"StandardOutput=append:{SiloLogFile}",
        "StandardError=inherit",
        "NoNewPrivileges=true",
        "ProtectSystem=full",
        "ProtectHome=true",
        "PrivateTmp=true",
        string.Empty,
        "[Install]",
        "WantedBy=multi-user.target");
}
