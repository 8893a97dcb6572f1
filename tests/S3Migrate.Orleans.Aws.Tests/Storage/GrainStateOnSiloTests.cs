using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using S3Migrate.Orleans.Aws.Storage;
using S3Migrate.Testing;

namespace S3Migrate.Orleans.Aws.Tests.Storage;

/// <summary>
/// A grain with <c>[PersistentState]</c> on a real silo whose storage is <see cref="DynamoDbGrainStorage"/>
/// registered through <see cref="DynamoDbGrainStorageHostingExtensions"/>, so the silo lifecycle creates the table
/// and the runtime's state bridge drives reads and writes.
/// </summary>
[Collection(StandInsCollection.Name)]
public sealed class GrainStateOnSiloTests(StandInsFixture fixture) : IAsyncLifetime
{
    private readonly string _tableName = UniqueName.For("silo-state");
    private readonly string _serviceId = $"state-{Guid.NewGuid():N}";

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
    public async Task StateWrittenByAGrainSurvivesDeactivationAndSiloRestart()
    {
        var key = $"bucket/{Guid.NewGuid():N}/object.bin";
        var first = await StartSiloAsync();
        try
        {
            var grain = first.Services.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>(key);
            await grain.Add(2);
            Assert.Equal(5, await grain.Add(3));
            await grain.Deactivate();

            Assert.Equal(5, await grain.Get());
        }
        finally
        {
            await TestSilo.StopAsync(first);
        }

        Assert.Equal(["counter"], await StoredStateNamesAsync(key));

        var second = await StartSiloAsync();
        try
        {
            var grain = second.Services.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>(key);
            Assert.Equal(5, await grain.Get());
            Assert.Equal(6, await grain.Add(1));
        }
        finally
        {
            await TestSilo.StopAsync(second);
        }
    }

    /// <summary>The state names stored in the table for the counter grain with this key, read past the provider.</summary>
    private async Task<List<string>> StoredStateNamesAsync(string key)
    {
        using var dynamoDb = fixture.StandIns.CreateDynamoDbClient();
        var response = await dynamoDb.QueryAsync(new QueryRequest
        {
            TableName = _tableName,
            ConsistentRead = true,
            KeyConditionExpression = "#pk = :pk",
            ExpressionAttributeNames = new() { ["#pk"] = DynamoDbGrainStorage.PartitionKey },
            ExpressionAttributeValues = new()
            {
                [":pk"] = new AttributeValue { S = $"{_serviceId}_{GrainId.Create("counter", key)}" },
            },
        });
        return [.. response.Items.Select(item => item[DynamoDbGrainStorage.SortKey].S)];
    }

    private Task<IHost> StartSiloAsync() => TestSilo.StartAsync(_serviceId, silo => silo.AddDynamoDbGrainStorage(
        CounterGrain.StorageName,
        options =>
        {
            options.TableName = _tableName;
            options.CreateIfNotExists = true;
            options.CreateClient = () => fixture.StandIns.CreateDynamoDbClient();
        }));
}
