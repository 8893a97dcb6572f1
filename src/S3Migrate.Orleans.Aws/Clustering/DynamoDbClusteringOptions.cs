namespace S3Migrate.Orleans.Aws.Clustering;

/// <summary>
/// Where silos keep the cluster membership table and where clients look up gateways. One table serves any number
/// of clusters: each cluster's rows share the partition named after its <c>ClusterOptions.ClusterId</c>.
/// </summary>
public sealed class DynamoDbClusteringOptions : DynamoDbTableOptions
{
    /// <summary>The table name used when none is configured.</summary>
    public const string DefaultTableName = "OrleansSilos";

    /// <summary>
    /// How many times <c>ReadAllAsync</c> reads the partition again when it catches a membership change half
    /// applied (a query is not a transactional read). Default 10; each attempt is two requests.
    /// </summary>
    public int MaxReadAllAttempts { get; set; } = 10;

    public DynamoDbClusteringOptions()
    {
        TableName = DefaultTableName;
    }
}
