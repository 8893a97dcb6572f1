namespace S3Migrate.Orleans.Aws;

/// <summary>Where a DynamoDB-backed provider keeps its items.</summary>
public class DynamoDbTableOptions
{
    /// <summary>The table's name.</summary>
    public string TableName { get; set; } = string.Empty;

    /// <summary>The region, when <see cref="ServiceUrl"/> is not set.</summary>
    public string? Region { get; set; }

    /// <summary>A DynamoDB-compatible endpoint (DynamoDB Local in tests); null for AWS.</summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>Create the table (on-demand billing) when it does not exist; deployments create it with the CDK app.</summary>
    public bool CreateIfNotExists { get; set; }
}
