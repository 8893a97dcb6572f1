using Amazon.CDK;
using S3Migrate.Infra.Configuration;

namespace S3Migrate.Infra.Tests.Support;

/// <summary>The deployments the tests look at.</summary>
internal static class Variants
{
    public const string KmsKeyArn = "arn:aws-cn:kms:cn-north-1:111122223333:key/0e2f5f5e-8d55-4b87-9a57-1d1b1b1b1b1b";

    /// <summary>Three routes: a whole bucket, and two prefixes of another bucket.</summary>
    public static IReadOnlyList<BucketRoute> Routes { get; } =
    [
        new("src-photos", "", "dst-photos", "archive/"),
        new("src-logs", "app/", "dst-logs", "app/"),
        new("src-logs", "web/", "dst-logs", "web/"),
    ];

    /// <summary>Source side, every default, with S3 events from one source bucket.</summary>
    public static S3MigrateStackProps PutSide() => new()
    {
        JobType = JobType.Put,
        Routes = Routes,
        EventSourceBuckets = ["src-photos"],
    };

    /// <summary>Destination side with most options turned away from their defaults.</summary>
    public static S3MigrateStackProps GetSide() => new()
    {
        JobType = JobType.Get,
        Routes = Routes,
        Network = NetworkLayout.PrivateSubnetsWithNat,
        AllowDestinationDeletes = true,
        BucketKmsKeyArns = [KmsKeyArn],
        JobsQueueMaxReceiveCount = 7,
        JobVisibilityTimeoutSeconds = 600,
        DynamoDbGatewayEndpoint = false,
        EnableSessionManager = false,
        CpuArchitecture = CpuArchitecture.Arm64,
        RetainStateOnDelete = false,
    };

    /// <summary>The source side pinned to a China region (account still unknown, so nothing is looked up).</summary>
    public static S3MigrateStackProps PutSideInChina()
    {
        var props = PutSide();
        props.Env = new Amazon.CDK.Environment { Region = "cn-north-1" };
        return props;
    }
}
