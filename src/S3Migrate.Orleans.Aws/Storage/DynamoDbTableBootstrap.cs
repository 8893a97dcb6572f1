using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;

namespace S3Migrate.Orleans.Aws.Storage;

/// <summary>
/// Makes sure a provider's table exists with the key schema the provider expects, creating it (on-demand billing)
/// when allowed. Several silos may start at once, so a concurrent creation is waited for, not treated as an error.
/// </summary>
internal static partial class DynamoDbTableBootstrap
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Returns once the table is ACTIVE with a string partition key and a string sort key of the given names.</summary>
    /// <exception cref="InvalidOperationException">The table is missing and may not be created, or its key schema differs.</exception>
    public static async Task EnsureAsync(
        IAmazonDynamoDB dynamoDb,
        DynamoDbTableOptions options,
        string partitionKey,
        string sortKey,
        CancellationToken cancellationToken)
    {
        var table = await DescribeAsync(dynamoDb, options.TableName, cancellationToken);
        if (table is null)
        {
            if (!options.CreateIfNotExists)
            {
                throw new InvalidOperationException(
                    $"DynamoDB table '{options.TableName}' does not exist and CreateIfNotExists is false; create it first (the CDK app does).");
            }

            await CreateAsync(dynamoDb, options.TableName, partitionKey, sortKey, cancellationToken);
        }

        while (table is null || table.TableStatus != TableStatus.ACTIVE)
        {
            if (table is not null && table.TableStatus != TableStatus.CREATING && table.TableStatus != TableStatus.UPDATING)
            {
                throw new InvalidOperationException(
                    $"DynamoDB table '{options.TableName}' is {table.TableStatus}; it must be ACTIVE.");
            }

            await Task.Delay(PollInterval, cancellationToken);
            table = await DescribeAsync(dynamoDb, options.TableName, cancellationToken);
        }

        CheckKeySchema(table, partitionKey, sortKey);
    }

    /// <summary>
    /// Makes sure the table's time to live is on <paramref name="attribute"/>: turned on when the provider may create
    /// tables, otherwise a warning (items then count as absent once expired but stay in the table).
    /// </summary>
    /// <exception cref="InvalidOperationException">The table's time to live is on another attribute.</exception>
    public static async Task EnsureTimeToLiveAsync(
        IAmazonDynamoDB dynamoDb, DynamoDbTableOptions options, string attribute, ILogger logger, CancellationToken cancellationToken)
    {
        var description = (await dynamoDb.DescribeTimeToLiveAsync(
            new DescribeTimeToLiveRequest { TableName = options.TableName }, cancellationToken)).TimeToLiveDescription;
        var status = description?.TimeToLiveStatus;
        if (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING)
        {
            if (description!.AttributeName != attribute)
            {
                throw new InvalidOperationException(
                    $"DynamoDB table '{options.TableName}' expires items by attribute '{description.AttributeName}'; grain storage needs '{attribute}'.");
            }

            return;
        }

        if (!options.CreateIfNotExists)
        {
            LogTimeToLiveOff(logger, options.TableName, attribute);
            return;
        }

        await dynamoDb.UpdateTimeToLiveAsync(
            new UpdateTimeToLiveRequest
            {
                TableName = options.TableName,
                TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = attribute, Enabled = true },
            },
            cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DynamoDB table '{Table}' has no time to live; turn it on for attribute '{Attribute}' so expired grain states are deleted")]
    private static partial void LogTimeToLiveOff(ILogger logger, string table, string attribute);

    private static async Task<TableDescription?> DescribeAsync(
        IAmazonDynamoDB dynamoDb, string tableName, CancellationToken cancellationToken)
    {
        try
        {
            return (await dynamoDb.DescribeTableAsync(tableName, cancellationToken)).Table;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }

    private static async Task CreateAsync(
        IAmazonDynamoDB dynamoDb, string tableName, string partitionKey, string sortKey, CancellationToken cancellationToken)
    {
        try
        {
            await dynamoDb.CreateTableAsync(
                new CreateTableRequest
                {
                    TableName = tableName,
                    BillingMode = BillingMode.PAY_PER_REQUEST,
                    AttributeDefinitions =
                    [
                        new AttributeDefinition(partitionKey, ScalarAttributeType.S),
                        new AttributeDefinition(sortKey, ScalarAttributeType.S),
                    ],
                    KeySchema =
                    [
                        new KeySchemaElement(partitionKey, KeyType.HASH),
                        new KeySchemaElement(sortKey, KeyType.RANGE),
                    ],
                },
                cancellationToken);
        }
        catch (ResourceInUseException)
        {
            // Another silo created it first; the caller waits for it to become ACTIVE.
        }
    }

    private static void CheckKeySchema(TableDescription table, string partitionKey, string sortKey)
    {
        var keys = table.KeySchema ?? [];
        var matches = keys.Count == 2
            && keys.Any(key => key.KeyType == KeyType.HASH && key.AttributeName == partitionKey)
            && keys.Any(key => key.KeyType == KeyType.RANGE && key.AttributeName == sortKey);
        if (!matches)
        {
            var actual = string.Join(", ", keys.Select(key => $"{key.AttributeName} {key.KeyType}"));
            throw new InvalidOperationException(
                $"DynamoDB table '{table.TableName}' has the key schema [{actual}]; expected [{partitionKey} HASH, {sortKey} RANGE].");
        }
    }
}
