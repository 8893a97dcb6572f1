using Orleans.Configuration;
using Orleans.Runtime;
using S3Migrate.Orleans.Aws.Clustering;
using S3Migrate.Testing;

namespace S3Migrate.Orleans.Aws.Tests.Clustering;

/// <summary>What a client learns about gateways from the membership table its cluster's silos keep.</summary>
[Collection(StandInsCollection.Name)]
public sealed class DynamoDbGatewayListProviderTests(StandInsFixture fixture) : IAsyncLifetime
{
    private const int ProxyPort = 30_000;

    private static readonly string SharedTableName = UniqueName.For("gateways");

    private readonly MembershipTestBed _bed = new(fixture.StandIns, SharedTableName);
    private readonly string _clusterId = MembershipTestBed.NewClusterId();
    private readonly List<(DynamoDbMembershipTable Table, string ClusterId)> _clusters = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (table, clusterId) in _clusters)
        {
            await table.DeleteMembershipTableEntriesAsync(clusterId);
            table.Dispose();
        }
    }

    [Fact]
    public async Task ReturnsTheProxyEndpointsOfActiveSilosOnly()
    {
        var table = await ClusterAsync(_clusterId);
        var gateways = new[]
        {
            MembershipTestBed.NewEntry(SiloStatus.Active, proxyPort: ProxyPort),
            MembershipTestBed.NewEntry(SiloStatus.Active, proxyPort: ProxyPort + 1),
        };
        var others = Enum.GetValues<SiloStatus>()
            .Where(status => status != SiloStatus.Active)
            .Select(status => MembershipTestBed.NewEntry(status, proxyPort: ProxyPort))
            .Append(MembershipTestBed.NewEntry(SiloStatus.Active, proxyPort: 0));
        foreach (var entry in gateways.Concat(others))
        {
            await MembershipTestBed.InsertAsync(table, entry);
        }

        var otherCluster = await ClusterAsync(MembershipTestBed.NewClusterId());
        await MembershipTestBed.InsertAsync(otherCluster, MembershipTestBed.NewEntry(SiloStatus.Active, proxyPort: ProxyPort));

        using var provider = await _bed.CreateGatewayListProviderAsync(_clusterId, new GatewayOptions());
        var found = await provider.GetGatewaysAsync();

        var expected = gateways.Select(entry =>
            SiloAddress.New(entry.SiloAddress.Endpoint.Address, entry.ProxyPort, entry.SiloAddress.Generation).ToGatewayUri());
        Assert.Equal(expected.Select(uri => uri.ToString()).Order(), found.Select(uri => uri.ToString()).Order());
    }

    [Fact]
    public async Task ReturnsNoGatewaysForAClusterWithoutSilos()
    {
        await ClusterAsync(_clusterId);
        using var provider = await _bed.CreateGatewayListProviderAsync(_clusterId, new GatewayOptions());

        Assert.Empty(await provider.GetGatewaysAsync());
    }

    [Fact]
    public async Task IsStaleAfterTheClientsGatewayListRefreshPeriod()
    {
        await ClusterAsync(_clusterId);
        var refreshPeriod = TimeSpan.FromSeconds(17);

        using var provider = await _bed.CreateGatewayListProviderAsync(_clusterId, new GatewayOptions { GatewayListRefreshPeriod = refreshPeriod });

        Assert.Equal(refreshPeriod, provider.MaxStaleness);
    }

    private async Task<DynamoDbMembershipTable> ClusterAsync(string clusterId)
    {
        var table = await _bed.CreateTableAsync(clusterId);
        _clusters.Add((table, clusterId));
        return table;
    }
}
