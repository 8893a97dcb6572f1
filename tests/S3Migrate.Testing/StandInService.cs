namespace S3Migrate.Testing;

/// <summary>The local processes that stand in for AWS services in tests.</summary>
internal enum StandInService
{
    /// <summary>DynamoDB Local.</summary>
    DynamoDb,

    /// <summary>fauxqs, speaking the SQS JSON protocol.</summary>
    Sqs,
}
