using Amazon.DynamoDBv2;

namespace S3Migrate.Orleans.Aws.Reminders;

/// <summary>Settings of the DynamoDB reminder table.</summary>
public sealed class DynamoDbReminderTableOptions : DynamoDbTableOptions
{
    /// <summary>The table name used unless <see cref="DynamoDbTableOptions.TableName"/> is set.</summary>
    public const string DefaultTableName = "OrleansReminders";

    public DynamoDbReminderTableOptions()
    {
        TableName = DefaultTableName;
    }

    /// <summary>
    /// Builds the DynamoDB client. Null (default): a client for <see cref="DynamoDbTableOptions.ServiceUrl"/> or
    /// <see cref="DynamoDbTableOptions.Region"/> with the SDK's default credential chain. The table disposes the
    /// client it gets.
    /// </summary>
    public Func<IAmazonDynamoDB>? CreateClient { get; set; }
}
