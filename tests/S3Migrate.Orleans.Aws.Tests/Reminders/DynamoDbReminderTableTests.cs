using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using S3Migrate.Orleans.Aws.Reminders;
using S3Migrate.Testing;

namespace S3Migrate.Orleans.Aws.Tests.Reminders;

/// <summary>
/// <see cref="DynamoDbReminderTable"/> against DynamoDB Local. Every test uses its own service id, so tests share
/// the class's table without seeing each other's reminders.
/// </summary>
[Collection(StandInsCollection.Name)]
public sealed class DynamoDbReminderTableTests(StandInsFixture fixture) : IAsyncLifetime
{
    private static readonly DateTime StartAt = new(2026, 11, 27, 21, 30, 15, 123, DateTimeKind.Utc);

    private readonly string _tableName = UniqueName.For("reminders");
    private readonly List<DynamoDbReminderTable> _tables = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var table in _tables)
        {
            table.Dispose();
        }

        using var dynamoDb = fixture.StandIns.CreateDynamoDbClient();
        try
        {
            await dynamoDb.DeleteTableAsync(_tableName);
        }
        catch (ResourceNotFoundException)
        {
        }
    }

    [Fact]
    public async Task StartCreatesTheTableKeyedByServiceAndReminder()
    {
        await TableAsync();

        using var dynamoDb = fixture.StandIns.CreateDynamoDbClient();
        var description = (await dynamoDb.DescribeTableAsync(_tableName)).Table;
        Assert.Equal(TableStatus.ACTIVE, description.TableStatus);
        Assert.Equal(
            [(DynamoDbReminderTable.PartitionKey, KeyType.HASH), (DynamoDbReminderTable.SortKey, KeyType.RANGE)],
            description.KeySchema.Select(key => (key.AttributeName, key.KeyType)));
    }

    [Fact]
    public async Task UpsertedReminderReadsBackWithTheReturnedETag()
    {
        var table = await TableAsync();
        var grainId = NewGrainId();

        var etag = await table.UpsertRow(Entry(grainId, "checkpoint", TimeSpan.FromMinutes(5)), CancellationToken.None);
        var read = await table.ReadRow(grainId, "checkpoint", CancellationToken.None);

        Assert.NotNull(etag);
        Assert.NotNull(read);
        Assert.Equal(grainId, read.GrainId);
        Assert.Equal("checkpoint", read.ReminderName);
        Assert.Equal(StartAt, read.StartAt);
        Assert.Equal(DateTimeKind.Utc, read.StartAt.Kind);
        Assert.Equal(TimeSpan.FromMinutes(5), read.Period);
        Assert.Equal(etag, read.ETag);
    }

    [Fact]
    public async Task UpsertReplacesTheReminderWithANewETag()
    {
        var table = await TableAsync();
        var grainId = NewGrainId();
        var first = await table.UpsertRow(Entry(grainId, "tick", TimeSpan.FromMinutes(1)), CancellationToken.None);

        var second = await table.UpsertRow(Entry(grainId, "tick", TimeSpan.FromMinutes(2)), CancellationToken.None);

        Assert.NotEqual(first, second);
        var read = Assert.Single((await table.ReadRows(grainId, CancellationToken.None)).Reminders);
        Assert.Equal(TimeSpan.FromMinutes(2), read.Period);
        Assert.Equal(second, read.ETag);
    }

    [Fact]
    public async Task ReadRowOfMissingReminderIsNull()
    {
        var table = await TableAsync();

        Assert.Null(await table.ReadRow(NewGrainId(), "absent", CancellationToken.None));
    }

    [Fact]
    public async Task RemoveRowNeedsTheCurrentETag()
    {
        var table = await TableAsync();
        var grainId = NewGrainId();
        var stale = await table.UpsertRow(Entry(grainId, "tick", TimeSpan.FromMinutes(1)), CancellationToken.None);
        var current = await table.UpsertRow(Entry(grainId, "tick", TimeSpan.FromMinutes(1)), CancellationToken.None);

        Assert.False(await table.RemoveRow(grainId, "tick", stale!, CancellationToken.None));
        Assert.NotNull(await table.ReadRow(grainId, "tick", CancellationToken.None));

        Assert.True(await table.RemoveRow(grainId, "tick", current!, CancellationToken.None));
        Assert.Null(await table.ReadRow(grainId, "tick", CancellationToken.None));

        Assert.False(await table.RemoveRow(grainId, "tick", current!, CancellationToken.None));
    }

    [Fact]
    public async Task ReadRowsOfAGrainReturnsOnlyThatGrainsReminders()
    {
        var table = await TableAsync();
        var key = $"bucket/{Guid.NewGuid():N}";
        var grainId = GrainId.Create("test-job", key);
        var longerKey = GrainId.Create("test-job", key + "/tick");
        await table.UpsertRow(Entry(grainId, "tick", TimeSpan.FromMinutes(1)), CancellationToken.None);
        await table.UpsertRow(Entry(grainId, "a/b", TimeSpan.FromMinutes(1)), CancellationToken.None);
        await table.UpsertRow(Entry(longerKey, "tick", TimeSpan.FromMinutes(1)), CancellationToken.None);

        var rows = (await table.ReadRows(grainId, CancellationToken.None)).Reminders;

        Assert.Equal(["a/b", "tick"], rows.Select(row => row.ReminderName).Order(StringComparer.Ordinal));
        Assert.All(rows, row => Assert.Equal(grainId, row.GrainId));
    }

    [Fact]
    public async Task RangeReadsSelectGrainHashesAboveBeginUpToEnd()
    {
        var table = await TableAsync();
        var grains = Enumerable.Range(0, 12).Select(_ => NewGrainId()).ToList();
        foreach (var grainId in grains)
        {
            await table.UpsertRow(Entry(grainId, "tick", TimeSpan.FromMinutes(1)), CancellationToken.None);
        }

        var hashes = grains.Select(grain => grain.GetUniformHashCode()).Order().ToList();
        var begin = hashes[2];
        var end = hashes[8];

        var rows = await ReadRangeAsync(table, begin, end);

        Assert.Equal(hashes.Where(hash => hash > begin && hash <= end), rows);
        Assert.DoesNotContain(begin, rows);
        Assert.Contains(end, rows);
    }

    [Fact]
    public async Task RangeReadsWrapAroundWhenBeginIsNotBelowEnd()
    {
        var table = await TableAsync();
        var grains = Enumerable.Range(0, 12).Select(_ => NewGrainId()).ToList();
        foreach (var grainId in grains)
        {
            await table.UpsertRow(Entry(grainId, "tick", TimeSpan.FromMinutes(1)), CancellationToken.None);
        }

        var hashes = grains.Select(grain => grain.GetUniformHashCode()).Order().ToList();
        var begin = hashes[8];
        var end = hashes[2];

        var wrapped = await ReadRangeAsync(table, begin, end);
        var wholeRing = await ReadRangeAsync(table, hashes[5], hashes[5]);
        var fromZero = await ReadRangeAsync(table, 0, 0);

        Assert.Equal(hashes.Where(hash => hash > begin || hash <= end).Order(), wrapped);
        Assert.Equal(hashes, wholeRing);
        Assert.Equal(hashes, fromZero);
        Assert.Equal(hashes.Where(hash => hash <= end), await ReadRangeAsync(table, uint.MaxValue, end));
    }

    [Fact]
    public async Task ServicesSharingTheTableDoNotSeeEachOthersReminders()
    {
        var mine = await TableAsync();
        var theirs = await TableAsync();
        var grainId = NewGrainId();
        var myETag = await mine.UpsertRow(Entry(grainId, "tick", TimeSpan.FromMinutes(1)), CancellationToken.None);
        await theirs.UpsertRow(Entry(grainId, "tick", TimeSpan.FromMinutes(3)), CancellationToken.None);

        Assert.Equal(TimeSpan.FromMinutes(1), (await mine.ReadRow(grainId, "tick", CancellationToken.None))?.Period);
        Assert.Equal(TimeSpan.FromMinutes(3), (await theirs.ReadRow(grainId, "tick", CancellationToken.None))?.Period);
        Assert.Single((await mine.ReadRows(0, 0, CancellationToken.None)).Reminders);
        Assert.False(await theirs.RemoveRow(grainId, "tick", myETag!, CancellationToken.None));

        await theirs.TestOnlyClearTable(CancellationToken.None);

        Assert.Empty((await theirs.ReadRows(0, 0, CancellationToken.None)).Reminders);
        Assert.Equal(myETag, (await mine.ReadRow(grainId, "tick", CancellationToken.None))?.ETag);
    }

    [Fact]
    public async Task ClearTableRemovesEveryReminderOfTheService()
    {
        var table = await TableAsync();
        for (var index = 0; index < 30; index++)
        {
            await table.UpsertRow(Entry(NewGrainId(), "tick", TimeSpan.FromMinutes(1)), CancellationToken.None);
        }

        await table.TestOnlyClearTable(CancellationToken.None);

        Assert.Empty((await table.ReadRows(0, 0, CancellationToken.None)).Reminders);
    }

    /// <summary>A table object for a new service id; the first one creates the DynamoDB table.</summary>
    private async Task<DynamoDbReminderTable> TableAsync()
    {
        var table = new DynamoDbReminderTable(
            Options.Create(new DynamoDbReminderTableOptions
            {
                TableName = _tableName,
                CreateIfNotExists = true,
                CreateClient = () => fixture.StandIns.CreateDynamoDbClient(),
            }),
            Options.Create(new ClusterOptions { ServiceId = $"service-{Guid.NewGuid():N}", ClusterId = "reminder-tests" }),
            NullLogger<DynamoDbReminderTable>.Instance);
        _tables.Add(table);
        await table.StartAsync(CancellationToken.None);
        return table;
    }

    private static async Task<List<uint>> ReadRangeAsync(DynamoDbReminderTable table, uint begin, uint end) =>
        [.. (await table.ReadRows(begin, end, CancellationToken.None)).Reminders.Select(row => row.GrainId.GetUniformHashCode()).Order()];

    private static ReminderEntry Entry(GrainId grainId, string name, TimeSpan period) => new()
    {
        GrainId = grainId,
        ReminderName = name,
        StartAt = StartAt,
        Period = period,
    };

    private static GrainId NewGrainId() => GrainId.Create("test-job", $"bucket/{Guid.NewGuid():N}");
}
