using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Orleans;
using Orleans.Runtime;
using S3Migrate.Orleans.Aws.Clustering;
using S3Migrate.Testing;

namespace S3Migrate.Orleans.Aws.Tests.Clustering;

/// <summary>
/// The membership table contract Orleans relies on, shown against DynamoDB Local: the behaviours Orleans' own
/// membership table tests check. Each test is its own cluster; the tests of this class share one table.
/// </summary>
[Collection(StandInsCollection.Name)]
public sealed class DynamoDbMembershipTableTests(StandInsFixture fixture) : IAsyncLifetime
{
    private const int ConcurrentWriters = 20;

    private static readonly string SharedTableName = UniqueName.For("silos");

    private static readonly TimeSpan ConcurrentUpdatesTimeout = TimeSpan.FromSeconds(30);

    private readonly MembershipTestBed _bed = new(fixture.StandIns, SharedTableName);
    private readonly string _clusterId = MembershipTestBed.NewClusterId();
    private DynamoDbMembershipTable _table = null!;

    public async Task InitializeAsync() => _table = await _bed.CreateTableAsync(_clusterId);

    public async Task DisposeAsync()
    {
        await _table.DeleteMembershipTableEntriesAsync(_clusterId);
        _table.Dispose();
    }

    [Fact]
    public async Task CreatesTheTableWithOnDemandBillingAndClusterPartitions()
    {
        using var dynamoDb = fixture.StandIns.CreateDynamoDbClient();

        var table = (await dynamoDb.DescribeTableAsync(SharedTableName)).Table;

        Assert.Equal(BillingMode.PAY_PER_REQUEST, table.BillingModeSummary?.BillingMode);
        Assert.Equal(
            [("DeploymentId", KeyType.HASH), ("SiloIdentity", KeyType.RANGE)],
            table.KeySchema.Select(key => (key.AttributeName, key.KeyType)));
    }

    [Fact]
    public async Task NewClusterReadsEmptyAtVersionZero()
    {
        var data = await _table.ReadAllAsync();

        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
        Assert.NotNull(data.Version.VersionEtag);
    }

    [Fact]
    public async Task InitializingAgainKeepsTheExistingTableVersion()
    {
        await MembershipTestBed.InsertAsync(_table, MembershipTestBed.NewEntry());

        using var secondSilo = await _bed.CreateTableAsync(_clusterId);
        var data = await secondSilo.ReadAllAsync();

        Assert.Equal(1, data.Version.Version);
        Assert.Single(data.Members);
    }

    [Fact]
    public async Task InsertRowAddsTheMemberAndIncrementsTheTableVersion()
    {
        var entry = MembershipTestBed.NewEntry();
        var before = await _table.ReadAllAsync();

        Assert.True(await _table.InsertRowAsync(entry, before.Version.Next()));

        var after = await _table.ReadAllAsync();
        var (stored, _) = Assert.Single(after.Members);
        Assert.Equal(entry.ToFullString(), stored.ToFullString());
        Assert.Equal(before.Version.Version + 1, after.Version.Version);
        Assert.NotEqual(before.Version.VersionEtag, after.Version.VersionEtag);
    }

    [Fact]
    public async Task InsertRowRejectsDuplicatesAndStaleTableVersions()
    {
        var entry = MembershipTestBed.NewEntry();
        var staleVersion = (await _table.ReadAllAsync()).Version.Next();
        Assert.True(await _table.InsertRowAsync(entry, staleVersion));

        Assert.False(await _table.InsertRowAsync(entry, staleVersion));
        Assert.False(await _table.InsertRowAsync(MembershipTestBed.NewEntry(), staleVersion));
        var freshVersion = (await _table.ReadAllAsync()).Version.Next();
        Assert.False(await _table.InsertRowAsync(entry, freshVersion));

        var data = await _table.ReadRowAsync(entry.SiloAddress);
        Assert.Single(data.Members);
        Assert.Equal(staleVersion.Version, data.Version.Version);
        Assert.NotEqual(staleVersion.VersionEtag, data.Version.VersionEtag);
    }

    [Fact]
    public async Task ConcurrentInsertsOfTheSameSiloOnlyOneWins()
    {
        var entry = MembershipTestBed.NewEntry();
        var next = (await _table.ReadAllAsync()).Version.Next();

        var results = await Task.WhenAll(Enumerable.Range(0, ConcurrentWriters).Select(_ => TryAsync(() => _table.InsertRowAsync(entry, next))));

        Assert.Equal(1, results.Count(inserted => inserted));
        Assert.Single((await _table.ReadAllAsync()).Members);
    }

    [Fact]
    public async Task ConcurrentInsertsOfDifferentSilosAtTheSameVersionOnlyOneWins()
    {
        var next = (await _table.ReadAllAsync()).Version.Next();

        var results = await Task.WhenAll(Enumerable.Range(0, ConcurrentWriters)
            .Select(_ => MembershipTestBed.NewEntry())
            .Select(entry => TryAsync(() => _table.InsertRowAsync(entry, next))));

        Assert.Equal(1, results.Count(inserted => inserted));
        var data = await _table.ReadAllAsync();
        Assert.Single(data.Members);
        Assert.Equal(next.Version, data.Version.Version);
    }

    [Fact]
    public async Task ReadRowOfAMissingSiloReturnsNoMemberAndTheCurrentVersion()
    {
        await MembershipTestBed.InsertAsync(_table, MembershipTestBed.NewEntry());
        var current = (await _table.ReadAllAsync()).Version;

        var data = await _table.ReadRowAsync(MembershipTestBed.NewEntry().SiloAddress);

        Assert.Empty(data.Members);
        Assert.Equal(current, data.Version);
    }

    [Fact]
    public async Task EveryChangeIncrementsTheTableVersionWithANewEtag()
    {
        var entry = MembershipTestBed.NewEntry();
        List<TableVersion> versions = [(await _table.ReadAllAsync()).Version];

        Assert.True(await _table.InsertRowAsync(entry, versions[^1].Next()));
        versions.Add((await _table.ReadAllAsync()).Version);
        var etag = MembershipTestBed.Single(await _table.ReadAllAsync(), entry.SiloAddress).Item2;
        entry.Status = SiloStatus.Active;
        Assert.True(await _table.UpdateRowAsync(entry, etag, versions[^1].Next()));
        versions.Add((await _table.ReadAllAsync()).Version);

        Assert.Equal([0, 1, 2], versions.Select(version => version.Version));
        Assert.Equal(versions.Count, versions.Select(version => version.VersionEtag).Distinct().Count());
    }

    [Fact]
    public async Task UpdateRowStoresTheWholeEntryAndRejectsStaleEtagsAndVersions()
    {
        const int silos = 9;
        for (var i = 1; i <= silos; i++)
        {
            var entry = MembershipTestBed.NewEntry();
            var staleVersion = (await _table.ReadAllAsync()).Version;
            await MembershipTestBed.InsertAsync(_table, entry);
            var data = await _table.ReadAllAsync();
            var etag = MembershipTestBed.Single(data, entry.SiloAddress).Item2;
            entry.Status = SiloStatus.Active;
            entry.AddSuspector(MembershipTestBed.NewEntry().SiloAddress, DateTime.UtcNow);
            entry.AddSuspector(MembershipTestBed.NewEntry().SiloAddress, DateTime.UtcNow.AddSeconds(1));

            Assert.False(await _table.UpdateRowAsync(entry, etag, staleVersion.Next()));
            Assert.Equal(etag, MembershipTestBed.Single(await _table.ReadAllAsync(), entry.SiloAddress).Item2);
            Assert.True(await _table.UpdateRowAsync(entry, etag, data.Version.Next()));
            Assert.False(await _table.UpdateRowAsync(entry, etag, data.Version.Next().Next()));

            var updated = await _table.ReadAllAsync();
            var (stored, newEtag) = MembershipTestBed.Single(updated, entry.SiloAddress);
            Assert.Equal(entry.ToFullString(), stored.ToFullString());
            Assert.NotEqual(etag, newEtag);
            Assert.False(await _table.UpdateRowAsync(entry, newEtag, data.Version.Next()));
            Assert.Equal(i, updated.Members.Count);
        }
    }

    [Fact]
    public async Task UpdateRowWithAStaleEtagFailsAndChangesNothing()
    {
        var entry = MembershipTestBed.NewEntry();
        await MembershipTestBed.InsertAsync(_table, entry);
        var first = await _table.ReadAllAsync();
        var staleEtag = MembershipTestBed.Single(first, entry.SiloAddress).Item2;
        entry.Status = SiloStatus.Active;
        Assert.True(await _table.UpdateRowAsync(entry, staleEtag, first.Version.Next()));
        var second = await _table.ReadAllAsync();

        entry.Status = SiloStatus.Dead;
        Assert.False(await _table.UpdateRowAsync(entry, staleEtag, second.Version.Next()));
        Assert.False(await _table.UpdateRowAsync(entry, "not-an-etag", second.Version.Next()));

        var after = await _table.ReadAllAsync();
        Assert.Equal(second.Version, after.Version);
        Assert.Equal(SiloStatus.Active, MembershipTestBed.Single(after, entry.SiloAddress).Item1.Status);
    }

    [Fact]
    public async Task UpdateRowOfAMissingSiloReturnsFalse()
    {
        var version = (await _table.ReadAllAsync()).Version;

        Assert.False(await _table.UpdateRowAsync(MembershipTestBed.NewEntry(), "0", version.Next()));
        Assert.Equal(version, (await _table.ReadAllAsync()).Version);
    }

    [Fact]
    public async Task ConcurrentReadThenUpdateLoopsAllSucceedOneAtATime()
    {
        var entry = MembershipTestBed.NewEntry();
        await MembershipTestBed.InsertAsync(_table, entry);
        using var timeout = new CancellationTokenSource(ConcurrentUpdatesTimeout);

        await Task.WhenAll(Enumerable.Range(0, ConcurrentWriters - 1).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                timeout.Token.ThrowIfCancellationRequested();
                try
                {
                    var data = await _table.ReadAllAsync(timeout.Token);
                    var (stored, etag) = MembershipTestBed.Single(data, entry.SiloAddress);
                    stored.IAmAliveTime = DateTime.UtcNow;
                    if (await _table.UpdateRowAsync(stored, etag, data.Version.Next(), timeout.Token))
                    {
                        return;
                    }
                }
                catch (Exception failure) when (failure is InvalidOperationException or AmazonDynamoDBException)
                {
                    // A lost race may also surface as an error; the protocol simply reads again.
                }
            }
        })));

        Assert.Equal(ConcurrentWriters, (await _table.ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task UpdateIAmAliveChangesOnlyTheAliveTime()
    {
        var entry = MembershipTestBed.NewEntry(SiloStatus.Active, iAmAliveTime: DateTime.UtcNow.AddMinutes(-5));
        entry.AddSuspector(MembershipTestBed.NewEntry().SiloAddress, DateTime.UtcNow);
        await MembershipTestBed.InsertAsync(_table, entry);
        var before = await _table.ReadAllAsync();
        var etagBefore = MembershipTestBed.Single(before, entry.SiloAddress).Item2;
        var aliveNow = DateTime.UtcNow;

        await _table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = aliveNow });

        var after = await _table.ReadAllAsync();
        var (stored, etagAfter) = MembershipTestBed.Single(after, entry.SiloAddress);
        Assert.Equal(aliveNow, stored.IAmAliveTime);
        entry.IAmAliveTime = aliveNow;
        Assert.Equal(entry.ToFullString(), stored.ToFullString());
        Assert.Equal(etagBefore, etagAfter);
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public async Task UpdateIAmAliveOfAMissingSiloFailsWithoutCreatingARow()
    {
        var missing = MembershipTestBed.NewEntry();

        await Assert.ThrowsAsync<InvalidOperationException>(() => _table.UpdateIAmAliveAsync(missing));

        Assert.Empty((await _table.ReadRowAsync(missing.SiloAddress)).Members);
    }

    [Fact]
    public async Task CleanupDeletesOnlyInactiveEntriesLastAliveBeforeTheDate()
    {
        var old = DateTime.UtcNow.AddDays(-10);
        var fresh = MembershipTestBed.NewEntry(SiloStatus.Dead);
        var oldActive = MembershipTestBed.NewEntry(SiloStatus.Active, old);
        await MembershipTestBed.InsertAsync(_table, fresh);
        await MembershipTestBed.InsertAsync(_table, oldActive);
        await MembershipTestBed.InsertAsync(_table, MembershipTestBed.NewEntry(SiloStatus.Dead, old));
        await MembershipTestBed.InsertAsync(_table, MembershipTestBed.NewEntry(SiloStatus.Joining, old));
        foreach (var status in Enum.GetValues<SiloStatus>().Where(status => status != SiloStatus.Active))
        {
            await MembershipTestBed.InsertAsync(_table, MembershipTestBed.NewEntry(status, old));
        }

        var versionBefore = (await _table.ReadAllAsync()).Version;

        await _table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(old.AddDays(3)));

        var after = await _table.ReadAllAsync();
        Assert.Equal(
            new[] { fresh.SiloAddress, oldActive.SiloAddress }.Order(),
            after.Members.Select(member => member.Item1.SiloAddress).Order());
        Assert.Equal(versionBefore, after.Version);
    }

    [Fact]
    public async Task ClustersSharingTheTableSeeAndDeleteOnlyTheirOwnRows()
    {
        var otherClusterId = MembershipTestBed.NewClusterId();
        using var otherCluster = await _bed.CreateTableAsync(otherClusterId);
        var ours = MembershipTestBed.NewEntry();
        var theirs = MembershipTestBed.NewEntry();
        await MembershipTestBed.InsertAsync(_table, ours);
        await MembershipTestBed.InsertAsync(otherCluster, theirs);

        Assert.Equal([ours.SiloAddress], (await _table.ReadAllAsync()).Members.Select(member => member.Item1.SiloAddress));
        Assert.Empty((await _table.ReadRowAsync(theirs.SiloAddress)).Members);

        await otherCluster.DeleteMembershipTableEntriesAsync(otherClusterId);

        Assert.Single((await _table.ReadAllAsync()).Members);
        await Assert.ThrowsAsync<InvalidOperationException>(() => otherCluster.ReadAllAsync());
    }

    [Fact]
    public async Task ReadAllReadsAgainRatherThanReturnAHalfAppliedChange()
    {
        var entry = MembershipTestBed.NewEntry();
        await MembershipTestBed.InsertAsync(_table, entry);
        var current = await _table.ReadAllAsync();

        // What a query can see mid-transaction: the silo row already written at the next version, the version row not yet.
        await SetSiloRowAttributeAsync(entry, "MembershipVersion", new AttributeValue { N = "99" });

        await Assert.ThrowsAsync<InvalidOperationException>(() => _table.ReadAllAsync());
        var row = await _table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(current.Version, row.Version);
    }

    [Fact]
    public async Task ReadAllSkipsARowItCannotParse()
    {
        var good = MembershipTestBed.NewEntry();
        var broken = MembershipTestBed.NewEntry();
        await MembershipTestBed.InsertAsync(_table, good);
        await MembershipTestBed.InsertAsync(_table, broken);

        await SetSiloRowAttributeAsync(broken, "IAmAliveTime", new AttributeValue { S = "yesterday" });

        Assert.Equal([good.SiloAddress], (await _table.ReadAllAsync()).Members.Select(member => member.Item1.SiloAddress));
    }

    /// <summary>Changes a silo row behind the membership table's back, as another writer or a bug would.</summary>
    private async Task SetSiloRowAttributeAsync(MembershipEntry entry, string attribute, AttributeValue value)
    {
        using var dynamoDb = fixture.StandIns.CreateDynamoDbClient();
        var endpoint = entry.SiloAddress.Endpoint;
        await dynamoDb.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = SharedTableName,
            Key = new()
            {
                ["DeploymentId"] = new AttributeValue { S = _clusterId },
                ["SiloIdentity"] = new AttributeValue { S = $"{endpoint.Address}-{endpoint.Port}-{entry.SiloAddress.Generation}" },
            },
            UpdateExpression = "SET #attribute = :value",
            ConditionExpression = "attribute_exists(DeploymentId)",
            ExpressionAttributeNames = new() { ["#attribute"] = attribute },
            ExpressionAttributeValues = new() { [":value"] = value },
        });
    }

    /// <summary>An exception counts as a lost race, as it does for the membership protocol.</summary>
    private static async Task<bool> TryAsync(Func<Task<bool>> write)
    {
        try
        {
            return await write();
        }
        catch (AmazonDynamoDBException)
        {
            return false;
        }
    }
}
