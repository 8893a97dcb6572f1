using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace S3Migrate.Orleans.Aws;

/// <summary>Makes the DynamoDB client every provider here talks through (membership, gateway list, grain storage, reminders).</summary>
internal static class DynamoDbClients
{
    /// <summary>The region a local endpoint is signed for when none is configured; emulators accept any.</summary>
    private const string LocalEndpointRegion = "us-east-1";

    /// <summary>
    /// Emulators need some key to sign with; DynamoDB Local accepts only letters and digits. Never sent to AWS:
    /// they are used only with <see cref="DynamoDbTableOptions.ServiceUrl"/>.
    /// </summary>
    private static readonly BasicAWSCredentials LocalEndpointCredentials = new("orleanslocal", "orleanslocal");

    /// <summary>
    /// With <see cref="DynamoDbTableOptions.ServiceUrl"/> set, a client for that endpoint with placeholder
    /// credentials; otherwise a client for <see cref="DynamoDbTableOptions.Region"/> (or the SDK's default region)
    /// with the SDK's default credential chain (environment, profile, instance or task role).
    /// </summary>
    public static AmazonDynamoDBClient Create(DynamoDbTableOptions options)
    {
        if (options.ServiceUrl is { } serviceUrl)
        {
            var localConfig = new AmazonDynamoDBConfig
            {
                ServiceURL = serviceUrl.AbsoluteUri,
                AuthenticationRegion = options.Region ?? LocalEndpointRegion,
            };
            return new AmazonDynamoDBClient(LocalEndpointCredentials, localConfig);
        }

        var config = new AmazonDynamoDBConfig();
        if (!string.IsNullOrEmpty(options.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        return new AmazonDynamoDBClient(config);
    }
}
