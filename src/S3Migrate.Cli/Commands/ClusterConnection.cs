using System.CommandLine;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using S3Migrate.Cli.Console;
using S3Migrate.Orleans.Aws.Clustering;

namespace S3Migrate.Cli.Commands;

/// <summary>How the console reaches a running silo: its gateway (host:port) and the cluster's ids.</summary>
internal sealed class ClusterConnection
{
    public Option<string> Gateway { get; } = new("--gateway")
    {
        Description = "A silo gateway, host:port (default 127.0.0.1:30000, the silo's default)",
        DefaultValueFactory = _ => "127.0.0.1:30000",
    };

    public Option<string> ClusterId { get; } = new("--cluster-id") { Description = "The cluster id (default s3migrate)", DefaultValueFactory = _ => "s3migrate" };

    public Option<string> ServiceId { get; } = new("--service-id") { Description = "The service id (default s3migrate)", DefaultValueFactory = _ => "s3migrate" };

    public Option<int> ConnectTimeout { get; } = new("--connect-timeout")
    {
        Description = "Seconds to wait for the gateway to answer (default 15)",
        DefaultValueFactory = _ => 15,
    };

    public Option<string?> MembershipTable { get; } = new("--membership-table")
    {
        Description = "Find the gateways in this DynamoDB membership table (a cluster deployment) instead of --gateway",
    };

    public Option<string?> Region { get; } = new("--region") { Description = "The region of --membership-table (default: the SDK's, e.g. AWS_REGION)" };

    public Option<string?> DynamoDbUrl { get; } = new("--dynamodb-url") { Description = "A DynamoDB-compatible endpoint for --membership-table (testing)" };

    public void AddTo(Command command)
    {
        command.Options.Add(Gateway);
        command.Options.Add(MembershipTable);
        command.Options.Add(Region);
        command.Options.Add(DynamoDbUrl);
        command.Options.Add(ClusterId);
        command.Options.Add(ServiceId);
        command.Options.Add(ConnectTimeout);
    }

    /// <summary>A connected client host; dispose it when done.</summary>
    public async Task<IHost> ConnectAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var table = result.GetValue(MembershipTable);
        var gateway = result.GetValue(Gateway)!;
        var endpoint = table is null ? ParseEndpoint(gateway) : null;
        var where = table is null ? $"at {gateway}" : $"listed in DynamoDB table '{table}'";
        Uri? dynamoDbUrl = null;
        if (result.GetValue(DynamoDbUrl) is { } url && !Uri.TryCreate(url, UriKind.Absolute, out dynamoDbUrl))
        {
            throw new UsageException($"--dynamodb-url '{url}' is not an absolute URL");
        }

        var seconds = result.GetValue(ConnectTimeout);
        if (seconds < 1)
        {
            throw new UsageException($"--connect-timeout {seconds} must be at least 1 second");
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            if (endpoint is not null)
            {
                client.UseStaticClustering(endpoint);
            }
            else
            {
                client.UseDynamoDbClustering(o =>
                {
                    o.TableName = table!;
                    o.Region = result.GetValue(Region) ?? Environment.GetEnvironmentVariable("AWS_REGION");
                    o.ServiceUrl = dynamoDbUrl;
                });
            }

            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = result.GetValue(ClusterId)!;
                o.ServiceId = result.GetValue(ServiceId)!;
            });
        });
        var host = builder.Build();

        // The client would otherwise keep retrying a gateway that does not answer for minutes.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        try
        {
            await host.StartAsync(timeout.Token);
            return host;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            throw new UsageException($"cannot reach a silo gateway {where}: no answer within {seconds} s", e);
        }
        catch (Exception e) when (e is OrleansException or SiloUnavailableException or TimeoutException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            host.Dispose();
            throw new UsageException($"cannot reach a silo gateway {where}: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    public static IGrainFactory Grains(IHost host) => host.Services.GetRequiredService<IClusterClient>();

    private static IPEndPoint ParseEndpoint(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], out var port) || port is < 1 or > 65535)
        {
            throw new UsageException($"--gateway '{text}' must be host:port");
        }

        var host = text[..colon];
        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        try
        {
            return new IPEndPoint(Dns.GetHostAddresses(host).First(), port);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException)
        {
            throw new UsageException($"--gateway '{text}': host '{host}' does not resolve", e);
        }
    }
}
