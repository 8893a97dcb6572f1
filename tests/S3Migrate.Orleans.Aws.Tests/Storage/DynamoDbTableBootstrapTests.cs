using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using S3Migrate.Orleans.Aws.Reminders;
using S3Migrate.Orleans.Aws.Storage;
using S3Migrate.Testing;

namespace S3Migrate.Orleans.Aws.Tests.Storage;

/// <summary>How the providers treat their table at start: create it, refuse a missing one, refuse a foreign one.</summary>
[Collection(StandInsCollection.Name)]
public sealed class DynamoDbTableBootstrapTests(StandInsFixture fixture) : IAsyncLifetime
{
    private readonly string _tableName = UniqueName.For("bootstrap");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
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
    public async Task MissingTableIsRefusedWhenCreationIsOff()
    {
        using var dynamoDb = fixture.StandIns.CreateDynamoDbClient();
        var options = new DynamoDbGrainStorageOptions { TableName = _tableName, CreateIfNotExists = false };

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => DynamoDbTableBootstrap.EnsureAsync(
            dynamoDb, options, DynamoDbGrainStorage.PartitionKey, DynamoDbGrainStorage.SortKey, CancellationToken.None));

        Assert.Contains(_tableName, refused.Message, StringComparison.Ordinal);
        Assert.Contains("CreateIfNotExists", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondStartFindsTheTableItCreated()
    {
        using var dynamoDb = fixture.StandIns.CreateDynamoDbClient();
        var options = new DynamoDbGrainStorageOptions { TableName = _tableName, CreateIfNotExists = true };

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => DynamoDbTableBootstrap.EnsureAsync(
            dynamoDb, options, DynamoDbGrainStorage.PartitionKey, DynamoDbGrainStorage.SortKey, CancellationToken.None)));
        options.CreateIfNotExists = false;
        await DynamoDbTableBootstrap.EnsureAsync(
            dynamoDb, options, DynamoDbGrainStorage.PartitionKey, DynamoDbGrainStorage.SortKey, CancellationToken.None);

        Assert.Equal(TableStatus.ACTIVE, (await dynamoDb.DescribeTableAsync(_tableName)).Table.TableStatus);
    }

    [Fact]
    public async Task TableOfAnotherProviderIsRefusedNamingBothKeySchemas()
    {
        using var dynamoDb = fixture.StandIns.CreateDynamoDbClient();
        await DynamoDbTableBootstrap.EnsureAsync(
            dynamoDb,
            new DynamoDbGrainStorageOptions { TableName = _tableName, CreateIfNotExists = true },
            DynamoDbGrainStorage.PartitionKey,
            DynamoDbGrainStorage.SortKey,
            CancellationToken.None);
        using var reminders = new DynamoDbReminderTable(
            Options.Create(new DynamoDbReminderTableOptions
            {
                TableName = _tableName,
                CreateClient = () => fixture.StandIns.CreateDynamoDbClient(),
            }),
            Options.Create(new ClusterOptions { ServiceId = "bootstrap" }),
            NullLogger<DynamoDbReminderTable>.Instance);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => reminders.StartAsync(CancellationToken.None));

        Assert.Contains(DynamoDbGrainStorage.PartitionKey, refused.Message, StringComparison.Ordinal);
        Assert.Contains(DynamoDbReminderTable.SortKey, refused.Message, StringComparison.Ordinal);
    }
}
