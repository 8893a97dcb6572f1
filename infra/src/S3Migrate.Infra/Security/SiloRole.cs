using Amazon.CDK.AWS.IAM;
using Constructs;
using S3Migrate.Infra.Configuration;

namespace S3Migrate.Infra.Security;

/// <summary>
/// The silos' instance role, with one inline policy that names every resource it may touch. The only statements on
/// <c>*</c> are those whose actions support no resource-level permissions (see <see cref="WildcardResourceActions"/>).
/// </summary>
internal sealed class SiloRole : Construct
{
    public const string ArtifactsSid = "ReadSiloArtifacts";
    public const string ConsumeQueuesSid = "ConsumeClusterQueues";
    public const string SendJobsSid = "SendJobs";
    public const string TablesSid = "UseClusterTables";
    public const string ParametersSid = "ReadMigrationParameters";
    public const string DecryptCredentialsSid = "DecryptRemoteCredentials";
    public const string MetricsSid = "PublishMetrics";
    public const string DescribeTagsSid = "DescribeInstanceTags";
    public const string LogsSid = "WriteClusterLogs";
    public const string NotifySid = "PublishNotifications";
    public const string SessionManagerSid = "SessionManager";

    /// <summary>SSM's encryption context key for SecureString values: the parameter's ARN.</summary>
    private const string ParameterArnContextKey = "kms:EncryptionContext:PARAMETER_ARN";

    /// <summary>AWS's minimal permissions for Session Manager shells; none supports resource-level permissions.</summary>
    private static readonly string[] SessionManagerActions =
    [
        "ssm:UpdateInstanceInformation",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    ];

    /// <summary>Actions that AWS only authorizes on <c>*</c>; every other statement names its resources.</summary>
    public static IReadOnlyList<string> WildcardResourceActions { get; } = ["cloudwatch:PutMetricData", "ec2:DescribeTags", .. SessionManagerActions];

    public Role Role { get; }

    public SiloRole(Construct scope, string id, SiloRoleInputs inputs)
        : base(scope, id)
    {
        Role = new Role(this, "Role", new RoleProps
        {
            AssumedBy = new ServicePrincipal("ec2.amazonaws.com"),
            Description = "S3Migrate silo instances",
        });

        var statements = new List<PolicyStatement>();
        statements.AddRange(LocalBucketAccess.Statements(this, inputs.Props));
        statements.AddRange(ClusterStatements(inputs));

        _ = new Policy(this, "Policy", new PolicyProps { Roles = [Role], Statements = [.. statements] });
    }

    private IEnumerable<PolicyStatement> ClusterStatements(SiloRoleInputs inputs)
    {
        var parameters = inputs.Parameters;
        yield return Allow(ArtifactsSid, ["s3:GetObject"],
            Arns.Object(this, parameters.ArtifactBucket.ValueAsString, parameters.SiloArtifactKey.ValueAsString),
            Arns.Object(this, parameters.ArtifactBucket.ValueAsString, parameters.DotnetRuntimeKey.ValueAsString));

        yield return Allow(ConsumeQueuesSid,
            ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
            [.. inputs.Queues.Consumed.Select(q => q.QueueArn)]);
        yield return Allow(SendJobsSid, ["sqs:SendMessage"], inputs.Queues.Jobs.QueueArn);

        yield return Allow(TablesSid,
            [
                "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PutItem",
                "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
                "dynamodb:DescribeTable",
            ],
            [.. inputs.Tables.All.Select(t => t.TableArn)]);

        yield return Allow(ParametersSid, ["ssm:GetParameter"], inputs.Migration.Settings.ParameterArn, inputs.Migration.CredentialsArn);

        // Whichever key encrypts the SecureString (aws/ssm or a customer key), only ciphertext that SSM bound to this
        // parameter's ARN can be decrypted.
        var decrypt = Allow(DecryptCredentialsSid, ["kms:Decrypt"], Arns.KmsKeysOfThisAccount(this));
        decrypt.AddCondition("StringEquals", new Dictionary<string, object> { [ParameterArnContextKey] = inputs.Migration.CredentialsArn });
        yield return decrypt;

        var metrics = Allow(MetricsSid, ["cloudwatch:PutMetricData"], "*");
        metrics.AddCondition("StringEquals", new Dictionary<string, object> { ["cloudwatch:namespace"] = SiloMetrics.Namespace });
        yield return metrics;

        // The CloudWatch agent reads the instance's aws:autoscaling:groupName tag for the AutoScalingGroupName dimension.
        yield return Allow(DescribeTagsSid, ["ec2:DescribeTags"], "*");

        yield return Allow(LogsSid, ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Arns.LogGroupAndStreams(this, inputs.Logs.SiloLogGroupName), Arns.LogGroupAndStreams(this, inputs.Logs.MetricsLogGroupName));

        yield return Allow(NotifySid, ["sns:Publish"], inputs.Topic.TopicArn);

        if (inputs.Props.EnableSessionManager)
        {
            yield return Allow(SessionManagerSid, SessionManagerActions, "*");
        }
    }

    private static PolicyStatement Allow(string sid, string[] actions, params string[] resources) => new(new PolicyStatementProps
    {
        Sid = sid,
        Effect = Effect.ALLOW,
        Actions = actions,
        Resources = resources,
    });
}
