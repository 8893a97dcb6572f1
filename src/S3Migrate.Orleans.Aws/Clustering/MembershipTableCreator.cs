using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;

namespace S3Migrate.Orleans.Aws.Clustering;

/// <summary>Creates the membership table (on-demand billing) when it is missing, tolerating silos that race to do so.</summary>
internal static partial class MembershipTableCreator
{
    /// <summary>How often the table's status is read while it is being created.</summary>
    private static readonly TimeSpan StatusPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>AWS usually activates a new on-demand table within seconds; this only bounds a stuck creation.</summary>
    private static readonly TimeSpan ActivationTimeout = TimeSpan.FromMinutes(5);

    public static async Task EnsureExistsAsync(IAmazonDynamoDB dynamoDb, string tableName, ILogger logger, CancellationToken cancellationToken)
    {
        var status = await TryGetStatusAsync(dynamoDb, tableName, cancellationToken);
        if (status is null)
        {
            try
            {
                await dynamoDb.CreateTableAsync(CreateRequest(tableName), cancellationToken);
                LogCreatingTable(logger, tableName);
            }
            catch (ResourceInUseException)
            {
                // Another silo is creating it at this very moment; wait for it like for our own.
            }
        }

        await WaitUntilActiveAsync(dynamoDb, tableName, cancellationToken);
    }

    private static CreateTableRequest CreateRequest(string tableName) => new()
    {
        TableName = tableName,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions =
        [
            new AttributeDefinition(MembershipTableSchema.ClusterId, ScalarAttributeType.S),
            new AttributeDefinition(MembershipTableSchema.SiloIdentity, ScalarAttributeType.S),
        ],
        KeySchema =
        [
            new KeySchemaElement(MembershipTableSchema.ClusterId, KeyType.HASH),
            new KeySchemaElement(MembershipTableSchema.SiloIdentity, KeyType.RANGE),
        ],
    };

    private static async Task WaitUntilActiveAsync(IAmazonDynamoDB dynamoDb, string tableName, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ActivationTimeout);
        while (true)
        {
            var status = await TryGetStatusAsync(dynamoDb, tableName, timeout.Token);
            if (status == TableStatus.ACTIVE)
            {
                return;
            }

            if (status is not null && status != TableStatus.CREATING && status != TableStatus.UPDATING)
            {
                throw new InvalidOperationException($"The membership table '{tableName}' is {status}, not ACTIVE.");
            }

            await Task.Delay(StatusPollInterval, timeout.Token);
        }
    }

    /// <returns>The table's status, or null when there is no such table.</returns>
    private static async Task<TableStatus?> TryGetStatusAsync(IAmazonDynamoDB dynamoDb, string tableName, CancellationToken cancellationToken)
    {
        try
        {
            var response = await dynamoDb.DescribeTableAsync(new DescribeTableRequest { TableName = tableName }, cancellationToken);
            return response.Table.TableStatus;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Creating the DynamoDB membership table {TableName} with on-demand billing")]
    private static partial void LogCreatingTable(ILogger logger, string tableName);
}
