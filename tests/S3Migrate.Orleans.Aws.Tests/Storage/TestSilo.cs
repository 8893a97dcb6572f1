using Microsoft.Extensions.Hosting;
using S3Migrate.Testing;

namespace S3Migrate.Orleans.Aws.Tests.Storage;

/// <summary>
/// A real single-silo host on loopback, for tests that need the Orleans runtime to drive a provider. Each start
/// is a new host, so a test can stop one and start another to see what survived in DynamoDB.
/// </summary>
internal static class TestSilo
{
    public static async Task<IHost> StartAsync(string serviceId, Action<ISiloBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(
                siloPort: LoopbackPort.FindFree(),
                gatewayPort: LoopbackPort.FindFree(),
                serviceId: serviceId,
                clusterId: serviceId);
            configure(silo);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    public static async Task StopAsync(IHost host)
    {
        await host.StopAsync();
        host.Dispose();
    }
}
