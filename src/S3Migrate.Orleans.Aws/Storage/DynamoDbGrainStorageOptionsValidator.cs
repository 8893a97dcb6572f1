using Orleans;
using Orleans.Runtime;

namespace S3Migrate.Orleans.Aws.Storage;

/// <summary>Stops the silo at start when a DynamoDB grain-storage provider cannot work with its settings.</summary>
internal sealed class DynamoDbGrainStorageOptionsValidator(DynamoDbGrainStorageOptions options, string name)
    : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        if (string.IsNullOrWhiteSpace(options.TableName))
        {
            throw new OrleansConfigurationException($"DynamoDB grain storage '{name}': TableName is required.");
        }

        if (options.CreateClient is null && options.ServiceUrl is null && string.IsNullOrWhiteSpace(options.Region))
        {
            throw new OrleansConfigurationException(
                $"DynamoDB grain storage '{name}': set Region (AWS) or ServiceUrl (DynamoDB Local).");
        }

        foreach (var (state, span) in options.TimeToLive)
        {
            if (span < TimeSpan.FromMinutes(1))
            {
                throw new OrleansConfigurationException(
                    $"DynamoDB grain storage '{name}': TimeToLive of state '{state}' is {span}; it must be at least one minute.");
            }
        }
    }
}
