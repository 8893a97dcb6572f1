using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using S3Migrate.Orleans.Aws.Clustering;
using S3Migrate.Testing;

namespace S3Migrate.Orleans.Aws.Tests.Clustering;

/// <summary>Membership tables and entries for one test, on a table its test class shares with no other class.</summary>
internal sealed class MembershipTestBed(StandIns standIns, string tableName)
{
    private static int _lastPort = 20_000;

    public string TableName { get; } = tableName;

    public DynamoDbClusteringOptions ClusteringOptions() => new()
    {
        TableName = TableName,
        ServiceUrl = standIns.DynamoDbServiceUrl,
        CreateIfNotExists = true,
    };

    public static string NewClusterId() => $"test-{Guid.NewGuid():N}";

    /// <summary>A table for <paramref name="clusterId"/>, initialised as a silo does (creating the table and version row).</summary>
    public async Task<DynamoDbMembershipTable> CreateTableAsync(string clusterId)
    {
        var table = new DynamoDbMembershipTable(
            Options.Create(ClusteringOptions()),
            Options.Create(new ClusterOptions { ClusterId = clusterId }),
            NullLogger<DynamoDbMembershipTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        return table;
    }

    public async Task<DynamoDbGatewayListProvider> CreateGatewayListProviderAsync(string clusterId, GatewayOptions gatewayOptions)
    {
        var provider = new DynamoDbGatewayListProvider(
            Options.Create(ClusteringOptions()),
            Options.Create(new ClusterOptions { ClusterId = clusterId }),
            Options.Create(gatewayOptions));
        await provider.InitializeGatewayListProviderAsync();
        return provider;
    }

    /// <summary>An entry for a silo no other entry of this process uses, with every field the table stores set.</summary>
    public static MembershipEntry NewEntry(SiloStatus status = SiloStatus.Joining, DateTime? iAmAliveTime = null, int proxyPort = 0)
    {
        var port = Interlocked.Increment(ref _lastPort);
        var now = DateTime.UtcNow;
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, port, generation: 1_000 + port),
            Status = status,
            ProxyPort = proxyPort,
            HostName = "host-" + port,
            SiloName = "silo-" + port,
            RoleName = "s3migrate",
            UpdateZone = 1,
            FaultZone = 2,
            StartTime = now.AddMinutes(-1),
            IAmAliveTime = iAmAliveTime ?? now,
            SuspectTimes = [],
        };
    }

    /// <summary>Inserts as the membership protocol does: read the current version, insert with the next one.</summary>
    public static async Task InsertAsync(IMembershipTable table, MembershipEntry entry)
    {
        var current = await table.ReadAllAsync();
        Assert.True(await table.InsertRowAsync(entry, current.Version.Next()), $"Inserting {entry.SiloAddress} lost a race it should not have.");
    }

    public static Tuple<MembershipEntry, string> Single(MembershipTableData data, SiloAddress silo) =>
        Assert.Single(data.Members, member => member.Item1.SiloAddress.Equals(silo));
}
