using Amazon;
using Amazon.DynamoDBv2;

namespace S3Migrate.Orleans.Aws.Storage;

/// <summary>Builds the DynamoDB client a provider uses from its <see cref="DynamoDbTableOptions"/>.</summary>
internal static class DynamoDbClients
{
    /// <summary>
    /// A client for <see cref="DynamoDbTableOptions.ServiceUrl"/> when it is set (DynamoDB Local), otherwise for
    /// <see cref="DynamoDbTableOptions.Region"/>. Credentials come from the SDK's default chain (environment,
    /// profile, instance or task role).
    /// </summary>
    public static AmazonDynamoDBClient Create(DynamoDbTableOptions options)
    {
        var config = new AmazonDynamoDBConfig();
        if (options.ServiceUrl is not null)
        {
            config.ServiceURL = options.ServiceUrl.AbsoluteUri;
            if (!string.IsNullOrEmpty(options.Region))
            {
                config.AuthenticationRegion = options.Region;
            }
        }
        else if (!string.IsNullOrEmpty(options.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        return new AmazonDynamoDBClient(config);
    }
}
