using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting;
using Orleans.Messaging;

namespace S3Migrate.Orleans.Aws.Clustering;

/// <summary>
/// Wires DynamoDB cluster membership into Orleans silos and clients. The names differ from the official
/// <c>UseDynamoDBClustering</c> so both can be referenced without ambiguous calls.
/// </summary>
public static class DynamoDbClusteringHostingExtensions
{
    /// <summary>
    /// Makes the silo keep cluster membership in DynamoDB (<see cref="DynamoDbMembershipTable"/>), in the partition of
    /// its <c>ClusterOptions.ClusterId</c>. The options are validated when the host starts.
    /// </summary>
    /// <example><c>silo.UseDynamoDbClustering(o => { o.Region = "eu-west-1"; o.TableName = "s3migrate-silos"; })</c></example>
    public static ISiloBuilder UseDynamoDbClustering(this ISiloBuilder builder, Action<DynamoDbClusteringOptions> configure)
    {
        AddOptions(builder.Services, configure);
        builder.Services.AddSingleton<IMembershipTable, DynamoDbMembershipTable>();
        return builder;
    }

    /// <summary>
    /// Makes the client find gateways in the DynamoDB membership table its cluster's silos keep
    /// (<see cref="DynamoDbGatewayListProvider"/>). Use the same table and <c>ClusterOptions.ClusterId</c> as the silos.
    /// </summary>
    public static IClientBuilder UseDynamoDbClustering(this IClientBuilder builder, Action<DynamoDbClusteringOptions> configure)
    {
        AddOptions(builder.Services, configure);
        builder.Services.AddSingleton<IGatewayListProvider, DynamoDbGatewayListProvider>();
        return builder;
    }

    private static void AddOptions(IServiceCollection services, Action<DynamoDbClusteringOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<DynamoDbClusteringOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DynamoDbClusteringOptions>, DynamoDbClusteringOptionsValidator>());
    }
}
