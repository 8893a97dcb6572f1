using Orleans;
using Orleans.Runtime;

namespace S3Migrate.Orleans.Aws.Reminders;

/// <summary>Stops the silo at start when the reminder table cannot work with its settings.</summary>
internal sealed class DynamoDbReminderTableOptionsValidator(DynamoDbReminderTableOptions options) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        if (string.IsNullOrWhiteSpace(options.TableName))
        {
            throw new OrleansConfigurationException("DynamoDB reminder table: TableName is required.");
        }

        if (options.CreateClient is null && options.ServiceUrl is null && string.IsNullOrWhiteSpace(options.Region))
        {
            throw new OrleansConfigurationException("DynamoDB reminder table: set Region (AWS) or ServiceUrl (DynamoDB Local).");
        }
    }
}
