using System.Net;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime;
using Schema = S3Migrate.Orleans.Aws.Clustering.MembershipTableSchema;

namespace S3Migrate.Orleans.Aws.Clustering;

/// <summary>
/// Gives Orleans clients the gateways of a cluster from the table its silos keep with
/// <see cref="DynamoDbMembershipTable"/>: the proxy endpoints of the silos that are Active and accept clients.
/// </summary>
public sealed class DynamoDbGatewayListProvider(
    IOptions<DynamoDbClusteringOptions> options,
    IOptions<ClusterOptions> clusterOptions,
    IOptions<GatewayOptions> gatewayOptions) : IGatewayListProvider, IDisposable
{
    private readonly DynamoDbClusteringOptions _options = options.Value;
    private readonly string _clusterId = clusterOptions.Value.ClusterId;
    private AmazonDynamoDBClient? _dynamoDb;

    /// <summary>The client's <see cref="GatewayOptions.GatewayListRefreshPeriod"/>.</summary>
    public TimeSpan MaxStaleness { get; } = gatewayOptions.Value.GatewayListRefreshPeriod;

    bool IGatewayListProvider.IsUpdatable => true;

    private AmazonDynamoDBClient DynamoDb =>
        _dynamoDb ?? throw new InvalidOperationException($"{nameof(InitializeGatewayListProviderAsync)} has not been called.");

    /// <remarks>Only silos create the table; a client waits for them.</remarks>
    public Task InitializeGatewayListProviderAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var created = DynamoDbClients.Create(_options);
        if (Interlocked.CompareExchange(ref _dynamoDb, created, null) is not null)
        {
            created.Dispose();
        }

        return Task.CompletedTask;
    }

    public async Task<IList<Uri>> GetGatewaysAsync(CancellationToken cancellationToken = default)
    {
        var rows = await MembershipPartition.QueryAsync(
            DynamoDb,
            _options.TableName,
            _clusterId,
            request =>
            {
                request.FilterExpression = "#status = :active AND #proxyPort > :noPort";
                request.ProjectionExpression = "#address, #proxyPort, #generation";
                request.ExpressionAttributeNames["#status"] = Schema.SiloStatus;
                request.ExpressionAttributeNames["#proxyPort"] = Schema.ProxyPort;
                request.ExpressionAttributeNames["#address"] = Schema.Address;
                request.ExpressionAttributeNames["#generation"] = Schema.Generation;
                request.ExpressionAttributeValues[":active"] = MembershipRecord.N((int)SiloStatus.Active);
                request.ExpressionAttributeValues[":noPort"] = MembershipRecord.N(0);
            },
            cancellationToken);

        List<Uri> gateways = [];
        foreach (var row in rows)
        {
            if (row.TryGetValue(Schema.Address, out var addressValue) && IPAddress.TryParse(addressValue.S, out var address)
                && MembershipRecord.TryGetInt(row, Schema.ProxyPort, out var proxyPort)
                && MembershipRecord.TryGetInt(row, Schema.Generation, out var generation))
            {
                gateways.Add(SiloAddress.New(address, proxyPort, generation).ToGatewayUri());
            }
        }

        return gateways;
    }

    public void Dispose() => _dynamoDb?.Dispose();

    Task IGatewayListProvider.InitializeGatewayListProvider() => InitializeGatewayListProviderAsync(CancellationToken.None);

    Task<IList<Uri>> IGatewayListProvider.GetGateways() => GetGatewaysAsync(CancellationToken.None);
}
