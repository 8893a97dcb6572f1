using System.Globalization;
using System.Net;
using System.Net.Sockets;
using S3Migrate.LocalS3.Hosting;
using S3Migrate.Testing;

namespace S3Migrate.Cli.Tests;

/// <summary>
/// The silo program in embedded mode, configured through S3Migrate__* environment variables as a deployment would
/// configure it, with the harness's "global" and "china" endpoints. Disposing it kills it if it still runs.
/// </summary>
public sealed class SiloProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private SiloProcess(RunningProcess process, int gatewayPort)
    {
        Process = process;
        GatewayPort = gatewayPort;
    }

    public RunningProcess Process { get; }

    public int GatewayPort { get; }

    public string Gateway => $"127.0.0.1:{GatewayPort}";

    /// <summary>Starts the silo and returns once its gateway accepts connections.</summary>
    public static async Task<SiloProcess> StartAsync(CliHarness cli, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var gatewayPort = LoopbackPort.FindFree();
        var siloPort = LoopbackPort.FindFree().ToString(CultureInfo.InvariantCulture);
        var environment = new Dictionary<string, string?>(cli.Environment)
        {
            ["S3Migrate__Mode"] = "Embedded",
            ["S3Migrate__Embedded__SiloPort"] = siloPort,
            ["S3Migrate__Embedded__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),

            // The same ports when the settings choose cluster mode.
            ["S3Migrate__Cluster__SiloPort"] = siloPort,
            ["S3Migrate__Cluster__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["S3Migrate__Transfer__StateDirectory"] = Path.Combine(cli.WorkDirectory, "silo-state"),
            ["S3Migrate__ShutdownDrainSeconds"] = "5",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (name, server) in new[] { (LocalS3Harness.GlobalName, cli.GlobalServer), (LocalS3Harness.ChinaName, cli.ChinaServer) })
        {
            Endpoint(environment, name, server);
        }

        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[name] = value;
        }

        var process = Programs.Start(Programs.Silo, [], environment, cli.WorkDirectory);
        try
        {
            var deadline = DateTime.UtcNow + StartTimeout;
            while (!await AcceptsAsync(gatewayPort))
            {
                Assert.False(process.Process.HasExited, "the silo exited while starting:\n" + process);
                Assert.True(DateTime.UtcNow < deadline, $"the silo's gateway did not open within {StartTimeout.TotalSeconds:F0} s:\n{process}");
                await Task.Delay(250);
            }

            return new SiloProcess(process, gatewayPort);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    public void Dispose() => Process.Dispose();

    private static void Endpoint(Dictionary<string, string?> environment, string name, LocalS3Endpoint server)
    {
        var prefix = $"S3Migrate__Endpoints__{name}__";
        environment[prefix + "ServiceUrl"] = server.ServiceUrl.AbsoluteUri;
        environment[prefix + "Region"] = server.Options.Region;
        environment[prefix + "Credentials__AccessKeyId"] = server.Options.AccessKeys[0].AccessKeyId;
        environment[prefix + "Credentials__SecretAccessKey"] = server.Options.AccessKeys[0].SecretAccessKey;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
