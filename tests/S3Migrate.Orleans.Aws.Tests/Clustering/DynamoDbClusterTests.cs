using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using S3Migrate.Orleans.Aws.Clustering;
using S3Migrate.Testing;

namespace S3Migrate.Orleans.Aws.Tests.Clustering;

/// <summary>Real silos and a real client that find each other only through the DynamoDB membership table.</summary>
[Collection(StandInsCollection.Name)]
public sealed class DynamoDbClusterTests(StandInsFixture fixture)
{
    private const int SiloCount = 2;
    private const string ServiceId = "s3migrate-clustering-tests";

    private static readonly string SharedTableName = UniqueName.For("cluster");

    /// <summary>Starting two silos, joining and gossiping takes a few seconds; stand-ins on a busy machine take longer.</summary>
    private static readonly TimeSpan ClusterFormationTimeout = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan MembershipPollInterval = TimeSpan.FromMilliseconds(200);

    private readonly MembershipTestBed _bed = new(fixture.StandIns, SharedTableName);
    private readonly string _clusterId = MembershipTestBed.NewClusterId();

    [Fact]
    public async Task TwoSilosSeeEachOtherAndAClientFindsBothAsGateways()
    {
        using var timeout = new CancellationTokenSource(ClusterFormationTimeout);
        List<IHost> silos = [];
        try
        {
            for (var i = 0; i < SiloCount; i++)
            {
                var silo = CreateSilo();
                silos.Add(silo);
                await silo.StartAsync(timeout.Token);
            }

            var siloAddresses = silos.Select(silo => silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress).Order().ToList();
            foreach (var silo in silos)
            {
                Assert.Equal(siloAddresses, await WaitForActiveSilosAsync(silo, timeout.Token));
            }

            using (var table = await _bed.CreateTableAsync(_clusterId))
            {
                var rows = await table.ReadAllAsync(timeout.Token);
                Assert.Equal(
                    siloAddresses,
                    rows.Members.Where(member => member.Item1.Status == SiloStatus.Active).Select(member => member.Item1.SiloAddress).Order());
            }

            using var client = CreateClient();
            await client.StartAsync(timeout.Token);
            var hosts = await client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            Assert.Equal(siloAddresses, hosts.Keys.Order());
            await client.StopAsync(timeout.Token);
        }
        finally
        {
            silos.Reverse();
            foreach (var silo in silos)
            {
                await silo.StopAsync(CancellationToken.None);
                silo.Dispose();
            }

            using var table = await _bed.CreateTableAsync(_clusterId);
            await table.DeleteMembershipTableEntriesAsync(_clusterId);
        }
    }

    /// <summary>The Active silos in <paramref name="silo"/>'s view, once it sees <see cref="SiloCount"/> of them.</summary>
    private static async Task<List<SiloAddress>> WaitForActiveSilosAsync(IHost silo, CancellationToken cancellationToken)
    {
        var membership = silo.Services.GetRequiredService<IClusterMembershipService>();
        while (true)
        {
            var active = membership.CurrentSnapshot.Members.Values
                .Where(member => member.Status == SiloStatus.Active)
                .Select(member => member.SiloAddress)
                .Order()
                .ToList();
            if (active.Count >= SiloCount)
            {
                return active;
            }

            await Task.Delay(MembershipPollInterval, cancellationToken);
        }
    }

    private IHost CreateSilo() => new HostBuilder()
        .UseOrleans(silo => silo
            .Configure<ClusterOptions>(ConfigureCluster)
            .ConfigureEndpoints(IPAddress.Loopback, LoopbackPort.FindFree(), LoopbackPort.FindFree())
            .UseDynamoDbClustering(CopyTestBedOptions))
        .Build();

    private IHost CreateClient() => new HostBuilder()
        .UseOrleansClient(client => client
            .Configure<ClusterOptions>(ConfigureCluster)
            .UseDynamoDbClustering(CopyTestBedOptions))
        .Build();

    private void ConfigureCluster(ClusterOptions options)
    {
        options.ClusterId = _clusterId;
        options.ServiceId = ServiceId;
    }

    private void CopyTestBedOptions(DynamoDbClusteringOptions options)
    {
        var configured = _bed.ClusteringOptions();
        options.TableName = configured.TableName;
        options.ServiceUrl = configured.ServiceUrl;
        options.CreateIfNotExists = configured.CreateIfNotExists;
    }
}
