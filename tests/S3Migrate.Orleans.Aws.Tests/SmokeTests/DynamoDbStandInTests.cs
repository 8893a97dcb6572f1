using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using S3Migrate.Testing;

namespace S3Migrate.Orleans.Aws.Tests.SmokeTests;

/// <summary>
/// The DynamoDB behaviour the Orleans DynamoDB providers rely on (conditional writes, transactions), shown
/// against DynamoDB Local. Each test gets its own table.
/// </summary>
[Collection(StandInsCollection.Name)]
public sealed class DynamoDbStandInTests(StandInsFixture fixture) : IAsyncLifetime
{
    private const string PartitionKey = "pk";
    private const string SortKey = "sk";
    private const string SortKeyValue = "row";

    private static readonly TimeSpan TableActiveTimeout = TimeSpan.FromSeconds(20);

    private readonly AmazonDynamoDBClient _dynamoDb = fixture.StandIns.CreateDynamoDbClient();
    private readonly string _tableName = UniqueName.For("smoke");

    public async Task InitializeAsync()
    {
        await _dynamoDb.CreateTableAsync(new CreateTableRequest
        {
            TableName = _tableName,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions =
            [
                new AttributeDefinition(PartitionKey, ScalarAttributeType.S),
                new AttributeDefinition(SortKey, ScalarAttributeType.S),
            ],
            KeySchema =
            [
                new KeySchemaElement(PartitionKey, KeyType.HASH),
                new KeySchemaElement(SortKey, KeyType.RANGE),
            ],
        });
        await WaitUntilActiveAsync();
    }

    public async Task DisposeAsync()
    {
        await _dynamoDb.DeleteTableAsync(_tableName);
        _dynamoDb.Dispose();
    }

    [Fact]
    public async Task CreatedTableIsActiveWithOnDemandBilling()
    {
        var table = (await _dynamoDb.DescribeTableAsync(_tableName)).Table;

        Assert.Equal(TableStatus.ACTIVE, table.TableStatus);
        Assert.Equal(BillingMode.PAY_PER_REQUEST, table.BillingModeSummary?.BillingMode);
        Assert.Equal(
            [(PartitionKey, KeyType.HASH), (SortKey, KeyType.RANGE)],
            table.KeySchema.Select(key => (key.AttributeName, key.KeyType)));
    }

    [Fact]
    public async Task ConditionalPutRejectsSecondWriteToSameKey()
    {
        await PutIfAbsentAsync("member", ("owner", S("first")));

        var rejected = await Assert.ThrowsAsync<ConditionalCheckFailedException>(
            () => PutIfAbsentAsync("member", ("owner", S("second"))));

        Assert.Equal("first", rejected.Item?["owner"].S);
        Assert.Equal("first", (await GetAsync("member"))?["owner"].S);
    }

    [Fact]
    public async Task TransactionWithPutUpdateAndConditionCheckAppliesAllWrites()
    {
        await PutAsync("counter", ("count", N(1)));
        await PutAsync("gate", ("state", S("open")));

        await _dynamoDb.TransactWriteItemsAsync(new TransactWriteItemsRequest
        {
            TransactItems = TransactionOnGate("new-row", expectedCount: 1),
        });

        var counter = await GetAsync("counter");
        var newRow = await GetAsync("new-row");
        Assert.Equal("2", counter?["count"].N);
        Assert.Equal("written", newRow?["payload"].S);
    }

    [Fact]
    public async Task TransactionWithFailedConditionWritesNothing()
    {
        await PutAsync("counter", ("count", N(1)));
        await PutAsync("gate", ("state", S("closed")));

        var cancelled = await Assert.ThrowsAsync<TransactionCanceledException>(
            () => _dynamoDb.TransactWriteItemsAsync(new TransactWriteItemsRequest
            {
                TransactItems = TransactionOnGate("new-row", expectedCount: 1),
            }));

        Assert.Equal(["None", "None", "ConditionalCheckFailed"], cancelled.CancellationReasons.Select(reason => reason.Code));
        Assert.Null(await GetAsync("new-row"));
        Assert.Equal("1", (await GetAsync("counter"))?["count"].N);
    }

    [Fact]
    public async Task TransactGetItemsReadsItemsBackInRequestOrder()
    {
        await PutAsync("first", ("payload", S("one")));
        await PutAsync("second", ("payload", S("two")));

        var response = await _dynamoDb.TransactGetItemsAsync(new TransactGetItemsRequest
        {
            TransactItems =
            [
                new TransactGetItem { Get = new Get { TableName = _tableName, Key = Key("second") } },
                new TransactGetItem { Get = new Get { TableName = _tableName, Key = Key("missing") } },
                new TransactGetItem { Get = new Get { TableName = _tableName, Key = Key("first") } },
            ],
        });

        Assert.Equal(3, response.Responses.Count);
        Assert.Equal("two", response.Responses[0].Item["payload"].S);
        Assert.Empty(response.Responses[1].Item);
        Assert.Equal("one", response.Responses[2].Item["payload"].S);
    }

    /// <summary>Put a new row, increment "counter" if it still holds <paramref name="expectedCount"/>, but only while "gate" is open.</summary>
    private List<TransactWriteItem> TransactionOnGate(string newRow, int expectedCount) =>
    [
        new TransactWriteItem
        {
            Put = new Put
            {
                TableName = _tableName,
                Item = Item(newRow, ("payload", S("written"))),
                ConditionExpression = $"attribute_not_exists({PartitionKey})",
            },
        },
        new TransactWriteItem
        {
            Update = new Update
            {
                TableName = _tableName,
                Key = Key("counter"),
                UpdateExpression = "SET #count = #count + :one",
                ConditionExpression = "#count = :expected",
                ExpressionAttributeNames = new() { ["#count"] = "count" },
                ExpressionAttributeValues = new() { [":one"] = N(1), [":expected"] = N(expectedCount) },
            },
        },
        new TransactWriteItem
        {
            ConditionCheck = new ConditionCheck
            {
                TableName = _tableName,
                Key = Key("gate"),
                ConditionExpression = "#state = :open",
                ExpressionAttributeNames = new() { ["#state"] = "state" },
                ExpressionAttributeValues = new() { [":open"] = S("open") },
            },
        },
    ];

    private async Task PutAsync(string partition, params (string Name, AttributeValue Value)[] attributes) =>
        await _dynamoDb.PutItemAsync(new PutItemRequest { TableName = _tableName, Item = Item(partition, attributes) });

    private async Task PutIfAbsentAsync(string partition, params (string Name, AttributeValue Value)[] attributes) =>
        await _dynamoDb.PutItemAsync(new PutItemRequest
        {
            TableName = _tableName,
            Item = Item(partition, attributes),
            ConditionExpression = $"attribute_not_exists({PartitionKey})",
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        });

    /// <returns>The item, or null when there is none.</returns>
    private async Task<Dictionary<string, AttributeValue>?> GetAsync(string partition)
    {
        var response = await _dynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = _tableName,
            Key = Key(partition),
            ConsistentRead = true,
        });
        return response.IsItemSet ? response.Item : null;
    }

    private async Task WaitUntilActiveAsync()
    {
        using var timeout = new CancellationTokenSource(TableActiveTimeout);
        while ((await _dynamoDb.DescribeTableAsync(_tableName, timeout.Token)).Table.TableStatus != TableStatus.ACTIVE)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
        }
    }

    private static Dictionary<string, AttributeValue> Key(string partition) =>
        new() { [PartitionKey] = S(partition), [SortKey] = S(SortKeyValue) };

    private static Dictionary<string, AttributeValue> Item(string partition, params (string Name, AttributeValue Value)[] attributes)
    {
        var item = Key(partition);
        foreach (var (name, value) in attributes)
        {
            item[name] = value;
        }

        return item;
    }

    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue N(int value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
