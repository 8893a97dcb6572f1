using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using S3Migrate.Orleans.Aws.Storage;
using S3Migrate.Testing;

namespace S3Migrate.Orleans.Aws.Tests.Storage;

/// <summary>
/// <see cref="DynamoDbGrainStorage"/> against DynamoDB Local, driven the way the Orleans runtime drives it: one
/// <see cref="IGrainState{T}"/> object per activation, mutated by each call. The class has its own table.
/// </summary>
[Collection(StandInsCollection.Name)]
public sealed class DynamoDbGrainStorageTests(StandInsFixture fixture) : IAsyncLifetime
{
    private const string StateName = "progress";
    private const string ServiceId = "storage-tests";

    private readonly string _tableName = UniqueName.For("grain-state");
    private readonly ServiceProvider _serialization = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly List<DynamoDbGrainStorage> _storages = [];
    private readonly AmazonDynamoDBClient _dynamoDb = fixture.StandIns.CreateDynamoDbClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var storage in _storages)
        {
            storage.Dispose();
        }

        try
        {
            await _dynamoDb.DeleteTableAsync(_tableName);
        }
        catch (ResourceNotFoundException)
        {
        }

        _dynamoDb.Dispose();
        await _serialization.DisposeAsync();
    }

    [Fact]
    public async Task ReadOfMissingStateGivesNewStateWithoutETag()
    {
        var storage = await StorageAsync();
        var state = new StateHolder(null, "left over") { RecordExists = true };

        await storage.ReadStateAsync(StateName, NewGrainId(), state, CancellationToken.None);

        Assert.NotNull(state.State);
        Assert.Equal(0, state.State.Count);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
    }

    [Fact]
    public async Task WrittenStateReadsBackWithItsETag()
    {
        var storage = await StorageAsync();
        var grainId = NewGrainId();
        var written = new StateHolder(new TestState { Count = 7, Text = "bucket/key" });

        await storage.WriteStateAsync(StateName, grainId, written, CancellationToken.None);
        var read = await ReadAsync(storage, grainId);

        Assert.NotNull(written.ETag);
        Assert.True(written.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.True(read.RecordExists);
        Assert.Equal(7, read.State.Count);
        Assert.Equal("bucket/key", read.State.Text);
    }

    [Fact]
    public async Task GrainKeysWithSlashesAndNonAsciiTextRoundTrip()
    {
        var storage = await StorageAsync();
        var grainId = GrainId.Create("test-object", $"бакет/папка/файл-{Guid.NewGuid():N}.bin");
        var written = new StateHolder(new TestState { Text = "Привет, мир" });

        await storage.WriteStateAsync(StateName, grainId, written, CancellationToken.None);

        Assert.Equal("Привет, мир", (await ReadAsync(storage, grainId)).State.Text);
    }

    [Fact]
    public async Task EveryWriteIssuesANewETag()
    {
        var storage = await StorageAsync();
        var grainId = NewGrainId();
        var state = new StateHolder(new TestState());
        var etags = new List<string?>();

        for (var count = 1; count <= 3; count++)
        {
            state.State.Count = count;
            await storage.WriteStateAsync(StateName, grainId, state, CancellationToken.None);
            etags.Add(state.ETag);
        }

        Assert.Equal(3, etags.Distinct().Count());
        Assert.Equal(3, (await ReadAsync(storage, grainId)).State.Count);
    }

    [Fact]
    public async Task WriteWithStaleETagIsInconsistentAndKeepsTheStoredState()
    {
        var storage = await StorageAsync();
        var grainId = NewGrainId();
        var first = new StateHolder(new TestState { Count = 1 });
        await storage.WriteStateAsync(StateName, grainId, first, CancellationToken.None);
        var stale = new StateHolder(new TestState { Count = 99 }, first.ETag);
        first.State.Count = 2;
        await storage.WriteStateAsync(StateName, grainId, first, CancellationToken.None);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync(StateName, grainId, stale, CancellationToken.None));

        Assert.Equal(first.ETag, conflict.StoredEtag);
        Assert.Equal(2, (await ReadAsync(storage, grainId)).State.Count);
    }

    [Fact]
    public async Task FirstWriteWhenTheItemExistsIsInconsistent()
    {
        var storage = await StorageAsync();
        var grainId = NewGrainId();
        await storage.WriteStateAsync(StateName, grainId, new StateHolder(new TestState { Count = 1 }), CancellationToken.None);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(
            StateName, grainId, new StateHolder(new TestState { Count = 2 }), CancellationToken.None));

        Assert.Equal(1, (await ReadAsync(storage, grainId)).State.Count);
    }

    [Fact]
    public async Task WriteWithETagWhenTheItemIsGoneIsInconsistent()
    {
        var storage = await StorageAsync(deleteStateOnClear: true);
        var grainId = NewGrainId();
        var state = new StateHolder(new TestState { Count = 1 });
        await storage.WriteStateAsync(StateName, grainId, state, CancellationToken.None);
        var stale = new StateHolder(new TestState { Count = 2 }, state.ETag);
        await storage.ClearStateAsync(StateName, grainId, state, CancellationToken.None);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync(StateName, grainId, stale, CancellationToken.None));

        Assert.False((await ReadAsync(storage, grainId)).RecordExists);
    }

    [Fact]
    public async Task ClearWithDeleteRemovesTheItem()
    {
        var storage = await StorageAsync(deleteStateOnClear: true);
        var grainId = NewGrainId();
        var state = new StateHolder(new TestState { Count = 5 });
        await storage.WriteStateAsync(StateName, grainId, state, CancellationToken.None);

        await storage.ClearStateAsync(StateName, grainId, state, CancellationToken.None);

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Equal(0, state.State.Count);
        Assert.Null(await RawItemAsync(grainId));
        var read = await ReadAsync(storage, grainId);
        Assert.Null(read.ETag);
        Assert.False(read.RecordExists);

        // The next activation starts from nothing, so its first write has no etag.
        await storage.WriteStateAsync(StateName, grainId, new StateHolder(new TestState { Count = 6 }), CancellationToken.None);
        Assert.Equal(6, (await ReadAsync(storage, grainId)).State.Count);
    }

    [Fact]
    public async Task ClearWithoutDeleteKeepsAnEmptyItemWithANewETag()
    {
        var storage = await StorageAsync(deleteStateOnClear: false);
        var grainId = NewGrainId();
        var state = new StateHolder(new TestState { Count = 5 });
        await storage.WriteStateAsync(StateName, grainId, state, CancellationToken.None);
        var writtenETag = state.ETag;

        await storage.ClearStateAsync(StateName, grainId, state, CancellationToken.None);

        Assert.NotNull(state.ETag);
        Assert.NotEqual(writtenETag, state.ETag);
        Assert.False(state.RecordExists);
        Assert.Equal(0, state.State.Count);
        var item = await RawItemAsync(grainId);
        Assert.NotNull(item);
        Assert.True(item[DynamoDbGrainStorage.PayloadAttribute].NULL);

        var read = await ReadAsync(storage, grainId);
        Assert.Equal(state.ETag, read.ETag);
        Assert.False(read.RecordExists);
        Assert.Equal(0, read.State.Count);

        // The item is still there, so a writer that never saw it cannot create it...
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(
            StateName, grainId, new StateHolder(new TestState { Count = 9 }), CancellationToken.None));

        // ...while the activation that cleared it carries on.
        state.State.Count = 6;
        await storage.WriteStateAsync(StateName, grainId, state, CancellationToken.None);
        Assert.Equal(6, (await ReadAsync(storage, grainId)).State.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ClearWithStaleETagIsInconsistentAndKeepsTheStoredState(bool deleteStateOnClear)
    {
        var storage = await StorageAsync(deleteStateOnClear);
        var grainId = NewGrainId();
        var state = new StateHolder(new TestState { Count = 1 });
        await storage.WriteStateAsync(StateName, grainId, state, CancellationToken.None);
        var stale = new StateHolder(new TestState(), state.ETag);
        state.State.Count = 2;
        await storage.WriteStateAsync(StateName, grainId, state, CancellationToken.None);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.ClearStateAsync(StateName, grainId, stale, CancellationToken.None));

        Assert.Equal(2, (await ReadAsync(storage, grainId)).State.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ClearOfStateNeverWrittenSucceeds(bool deleteStateOnClear)
    {
        var storage = await StorageAsync(deleteStateOnClear);
        var grainId = NewGrainId();
        var state = await ReadAsync(storage, grainId);

        await storage.ClearStateAsync(StateName, grainId, state, CancellationToken.None);

        Assert.False(state.RecordExists);
        Assert.NotNull(state.State);
        Assert.Equal(deleteStateOnClear, state.ETag is null);
    }

    [Fact]
    public async Task StateTooLargeForOneItemIsRefusedNamingTheGrainSizeAndLimit()
    {
        var storage = await StorageAsync();
        var grainId = NewGrainId();
        var state = new StateHolder(new TestState { Text = new string('x', DynamoDbGrainStorage.MaxItemBytes) });

        var refused = await Assert.ThrowsAsync<ArgumentException>(
            () => storage.WriteStateAsync(StateName, grainId, state, CancellationToken.None));

        Assert.Contains(grainId.ToString(), refused.Message, StringComparison.Ordinal);
        Assert.Contains(StateName, refused.Message, StringComparison.Ordinal);
        Assert.Contains("409,600", refused.Message, StringComparison.Ordinal);
        Assert.Null(state.ETag);
        Assert.Null(await RawItemAsync(grainId));
    }

    [Fact]
    public async Task StateJustUnderTheItemLimitIsStored()
    {
        var storage = await StorageAsync();
        var grainId = NewGrainId();
        var text = new string('y', DynamoDbGrainStorage.MaxItemBytes - 1_000);

        await storage.WriteStateAsync(StateName, grainId, new StateHolder(new TestState { Text = text }), CancellationToken.None);

        Assert.Equal(text, (await ReadAsync(storage, grainId)).State.Text);
    }

    [Fact]
    public async Task StateNamesAndServicesKeepSeparateItems()
    {
        var storage = await StorageAsync();
        var otherService = await StorageAsync(serviceId: "another-service");
        var grainId = NewGrainId();

        await storage.WriteStateAsync(StateName, grainId, new StateHolder(new TestState { Count = 1 }), CancellationToken.None);
        await storage.WriteStateAsync("other", grainId, new StateHolder(new TestState { Count = 2 }), CancellationToken.None);
        await otherService.WriteStateAsync(StateName, grainId, new StateHolder(new TestState { Count = 3 }), CancellationToken.None);

        Assert.Equal(1, (await ReadAsync(storage, grainId)).State.Count);
        Assert.Equal(2, (await ReadAsync(storage, grainId, "other")).State.Count);
        Assert.Equal(3, (await ReadAsync(otherService, grainId)).State.Count);
    }

    [Fact]
    public async Task AnExpiringStateIsStampedReadsAsAbsentOnceExpiredAndCanBeWrittenAgain()
    {
        var clock = new SettableClock(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        var storage = await StorageAsync(configure: o =>
        {
            o.TimeToLive[StateName] = TimeSpan.FromDays(30);
            o.TimeProvider = clock;
        });
        var grainId = NewGrainId();
        var written = new StateHolder(new TestState { Count = 7 });
        await storage.WriteStateAsync(StateName, grainId, written, CancellationToken.None);

        var item = await RawItemAsync(grainId);
        Assert.Equal(clock.GetUtcNow().AddDays(30).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), item![DynamoDbGrainStorage.ExpiresAtAttribute].N);
        var ttl = await _dynamoDb.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = _tableName });
        Assert.Equal(DynamoDbGrainStorage.ExpiresAtAttribute, ttl.TimeToLiveDescription.AttributeName);

        clock.Now = clock.Now.AddDays(29);
        Assert.Equal(7, (await ReadAsync(storage, grainId)).State.Count);

        // Past its time the item may still be in the table (DynamoDB deletes late), but it reads as absent and the
        // next write, with the etag that read gave, replaces it and is stamped again.
        clock.Now = clock.Now.AddDays(2);
        var expired = await ReadAsync(storage, grainId);
        Assert.False(expired.RecordExists);
        Assert.Equal(0, expired.State.Count);
        expired.State.Count = 8;
        await storage.WriteStateAsync(StateName, grainId, expired, CancellationToken.None);
        Assert.Equal(8, (await ReadAsync(storage, grainId)).State.Count);
        Assert.Equal(clock.GetUtcNow().AddDays(30).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            (await RawItemAsync(grainId))![DynamoDbGrainStorage.ExpiresAtAttribute].N);

        // Other state names of the same provider do not expire.
        await storage.WriteStateAsync("other", grainId, new StateHolder(new TestState { Count = 1 }), CancellationToken.None);
        clock.Now = clock.Now.AddYears(5);
        Assert.Equal(1, (await ReadAsync(storage, grainId, "other")).State.Count);
    }

    private async Task<DynamoDbGrainStorage> StorageAsync(
        bool deleteStateOnClear = false, string serviceId = ServiceId, Action<DynamoDbGrainStorageOptions>? configure = null)
    {
        var options = new DynamoDbGrainStorageOptions
        {
            TableName = _tableName,
            CreateIfNotExists = true,
            DeleteStateOnClear = deleteStateOnClear,
            CreateClient = () => fixture.StandIns.CreateDynamoDbClient(),
            GrainStorageSerializer = new OrleansGrainStorageSerializer(_serialization.GetRequiredService<Serializer>()),
        };
        configure?.Invoke(options);
        var storage = new DynamoDbGrainStorage(
            "test",
            options,
            Options.Create(new ClusterOptions { ServiceId = serviceId, ClusterId = "storage-tests" }),
            _serialization.GetRequiredService<IActivatorProvider>(),
            NullLogger<DynamoDbGrainStorage>.Instance);
        _storages.Add(storage);
        await storage.InitializeAsync(CancellationToken.None);
        return storage;
    }

    private static async Task<StateHolder> ReadAsync(DynamoDbGrainStorage storage, GrainId grainId, string stateName = StateName)
    {
        var state = new StateHolder();
        await storage.ReadStateAsync(stateName, grainId, state, CancellationToken.None);
        return state;
    }

    private async Task<Dictionary<string, AttributeValue>?> RawItemAsync(GrainId grainId)
    {
        var response = await _dynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = _tableName,
            ConsistentRead = true,
            Key = new()
            {
                [DynamoDbGrainStorage.PartitionKey] = new AttributeValue { S = $"{ServiceId}_{grainId}" },
                [DynamoDbGrainStorage.SortKey] = new AttributeValue { S = StateName },
            },
        });
        return response.IsItemSet ? response.Item : null;
    }

    private static GrainId NewGrainId() => GrainId.Create("test-object", $"bucket/{Guid.NewGuid():N}");

    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
