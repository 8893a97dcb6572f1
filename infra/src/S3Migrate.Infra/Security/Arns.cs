using Amazon.CDK;
using Constructs;

namespace S3Migrate.Infra.Security;

/// <summary>
/// ARNs built from the stack's own partition, region and account, so the same template works in aws and aws-cn.
/// </summary>
internal static class Arns
{
    public static string Bucket(IConstruct scope, string bucket) =>
        Stack.Of(scope).FormatArn(new ArnComponents { Service = "s3", Region = string.Empty, Account = string.Empty, Resource = bucket });

    /// <summary>Objects of a bucket whose keys start with <paramref name="keyPrefix"/> (empty: all objects).</summary>
    public static string Objects(IConstruct scope, string bucket, string keyPrefix) =>
        Stack.Of(scope).FormatArn(new ArnComponents
        {
            Service = "s3",
            Region = string.Empty,
            Account = string.Empty,
            Resource = bucket,
            ResourceName = keyPrefix + "*",
        });

    /// <summary>One object.</summary>
    public static string Object(IConstruct scope, string bucket, string key) =>
        Stack.Of(scope).FormatArn(new ArnComponents
        {
            Service = "s3",
            Region = string.Empty,
            Account = string.Empty,
            Resource = bucket,
            ResourceName = key,
        });

    /// <summary>An SSM parameter of this account and region; <paramref name="name"/> starts with '/'.</summary>
    public static string Parameter(IConstruct scope, string name) =>
        Stack.Of(scope).FormatArn(new ArnComponents { Service = "ssm", Resource = "parameter" + name, ArnFormat = ArnFormat.NO_RESOURCE_NAME });

    /// <summary>Every KMS key of this account and region (narrowed by conditions where used).</summary>
    public static string KmsKeysOfThisAccount(IConstruct scope) =>
        Stack.Of(scope).FormatArn(new ArnComponents { Service = "kms", Resource = "key", ResourceName = "*" });

    /// <summary>A log group and its streams.</summary>
    public static string LogGroupAndStreams(IConstruct scope, string logGroupName) =>
        Stack.Of(scope).FormatArn(new ArnComponents
        {
            Service = "logs",
            Resource = "log-group",
            ResourceName = logGroupName + ":*",
            ArnFormat = ArnFormat.COLON_RESOURCE_NAME,
        });
}
