using System.Text.Json.Nodes;
using S3Migrate.Infra.Tests.Support;
using Xunit;
using static S3Migrate.Infra.Tests.Support.Intrinsics;

namespace S3Migrate.Infra.Tests;

[Collection(SharedStacksDefinition.Name)]
public sealed class IamTests(Stacks stacks)
{
    /// <summary>Actions AWS only authorizes on "*" (no resource-level permissions): the only ones allowed there.</summary>
    private static readonly HashSet<string> ActionsWithoutResourceLevelPermissions =
    [
        "cloudwatch:PutMetricData",
        "ec2:DescribeTags",
        "ssm:UpdateInstanceInformation",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    ];

    private IEnumerable<SynthesizedTemplate> AllStacks => [stacks.PutSide, stacks.GetSide, stacks.Global, stacks.China];

    [Fact]
    public void SiloRoleIsAssumableOnlyByEc2AndHasNoManagedPolicies()
    {
        var stack = stacks.PutSide;
        var role = stack.Properties(stack.Id("AWS::IAM::Role", "SiloRole"));
        var statement = Assert.Single(role["AssumeRolePolicyDocument"]!["Statement"]!.AsArray())!;
        Assert.Equal("sts:AssumeRole", statement["Action"]!.GetValue<string>());
        Assert.Equal("ec2.amazonaws.com", statement["Principal"]!["Service"]!.GetValue<string>());
        Assert.Null(role["ManagedPolicyArns"]);
    }

    [Fact]
    public void PutSideReadsOnlyTheRoutePrefixesOfLocalSources()
    {
        var stack = stacks.PutSide;
        var read = stack.SiloStatement("ReadLocalSourceObjects");
        Assert.Equal(
            ["arn:${AWS::Partition}:s3:::src-logs/app/*", "arn:${AWS::Partition}:s3:::src-logs/web/*", "arn:${AWS::Partition}:s3:::src-photos/*"],
            RenderAll(read["Resource"]).Order());
        Assert.Contains("s3:GetObject", RenderAll(read["Action"]));
        Assert.Contains("s3:GetObjectVersion", RenderAll(read["Action"]));

        var list = stack.SiloStatement("ListLocalSourceBuckets");
        Assert.Equal(["arn:${AWS::Partition}:s3:::src-logs", "arn:${AWS::Partition}:s3:::src-photos"], RenderAll(list["Resource"]).Order());
        Assert.Equal(["s3:GetBucketLocation", "s3:ListBucket"], RenderAll(list["Action"]).Order());

        Assert.DoesNotContain(stack.SiloStatements().SelectMany(s => RenderAll(s["Action"])), a => a.StartsWith("s3:Put", StringComparison.Ordinal) || a.StartsWith("s3:Delete", StringComparison.Ordinal));
        Assert.DoesNotContain(stack.SiloStatements().SelectMany(s => RenderAll(s["Resource"])), r => r.Contains(":::dst-", StringComparison.Ordinal));
    }

    [Fact]
    public void GetSideWritesOnlyTheRoutePrefixesOfLocalDestinations()
    {
        var stack = stacks.GetSide;
        var write = stack.SiloStatement("WriteLocalDestinationObjects");
        Assert.Equal(
            ["arn:${AWS::Partition}:s3:::dst-logs/app/*", "arn:${AWS::Partition}:s3:::dst-logs/web/*", "arn:${AWS::Partition}:s3:::dst-photos/archive/*"],
            RenderAll(write["Resource"]).Order());
        Assert.Superset(
            new HashSet<string> { "s3:PutObject", "s3:PutObjectTagging", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts" },
            RenderAll(write["Action"]).ToHashSet());

        var list = stack.SiloStatement("ListLocalDestinationBuckets");
        Assert.Equal(["arn:${AWS::Partition}:s3:::dst-logs", "arn:${AWS::Partition}:s3:::dst-photos"], RenderAll(list["Resource"]).Order());
        Assert.Contains("s3:ListBucketMultipartUploads", RenderAll(list["Action"]));

        Assert.DoesNotContain(stack.SiloStatements().SelectMany(s => RenderAll(s["Resource"])), r => r.Contains(":::src-", StringComparison.Ordinal));
    }

    [Fact]
    public void DestinationDeletesAreOptIn()
    {
        Assert.Equal(["s3:DeleteObject"], RenderAll(stacks.GetSide.SiloStatement("DeleteLocalDestinationObjects")["Action"]));
        Assert.All(AllStacks.Where(s => s != stacks.GetSide), stack =>
            Assert.DoesNotContain(stack.SiloStatements().SelectMany(s => RenderAll(s["Action"])), a => a == "s3:DeleteObject"));
    }

    [Fact]
    public void BucketKeysAreUsableForEncryptionOnlyWhereTheSilosWrite()
    {
        var keys = stacks.GetSide.SiloStatement("UseLocalBucketKeys");
        Assert.Equal([Variants.KmsKeyArn], RenderAll(keys["Resource"]));
        Assert.Equal(["kms:Decrypt", "kms:GenerateDataKey"], RenderAll(keys["Action"]).Order());
    }

    [Fact]
    public void RoleReadsOnlyTheTwoArtifactObjects()
    {
        var artifacts = stacks.PutSide.SiloStatement("ReadSiloArtifacts");
        Assert.Equal(["s3:GetObject"], RenderAll(artifacts["Action"]));
        Assert.Equal(
            ["arn:${AWS::Partition}:s3:::${ArtifactBucket}/${DotnetRuntimeKey}", "arn:${AWS::Partition}:s3:::${ArtifactBucket}/${SiloArtifactKey}"],
            RenderAll(artifacts["Resource"]).Order());
    }

    [Fact]
    public void SqsAccessIsLimitedToTheClusterQueues()
    {
        var stack = stacks.PutSide;
        var jobs = "${" + stack.Id("AWS::SQS::Queue", "QueuesJobsQueue") + ".Arn}";
        var events = "${" + stack.Id("AWS::SQS::Queue", "QueuesEventsQueue") + ".Arn}";

        Assert.Equal([jobs, events], RenderAll(stack.SiloStatement("ConsumeClusterQueues")["Resource"]));
        Assert.Equal([jobs], RenderAll(stack.SiloStatement("SendJobs")["Resource"]));
        var sqsStatements = stack.SiloStatements().Where(s => RenderAll(s["Action"]).Any(a => a.StartsWith("sqs:", StringComparison.Ordinal)));
        Assert.All(sqsStatements, s => Assert.Subset(new HashSet<string> { jobs, events }, RenderAll(s["Resource"]).ToHashSet()));
    }

    [Fact]
    public void DynamoDbAccessIsLimitedToTheClusterTables()
    {
        var stack = stacks.PutSide;
        var tables = stack.Resources("AWS::DynamoDB::Table").Select(t => "${" + t.Id + ".Arn}").Order();
        var statement = stack.SiloStatement("UseClusterTables");
        Assert.Equal(tables, RenderAll(statement["Resource"]).Order());
        Assert.DoesNotContain("dynamodb:CreateTable", RenderAll(statement["Action"]));
        Assert.Single(stack.SiloStatements(), s => RenderAll(s["Action"]).Any(a => a.StartsWith("dynamodb:", StringComparison.Ordinal)));
    }

    [Fact]
    public void SsmAccessIsGetParameterOnTheTwoParametersOnly()
    {
        var stack = stacks.PutSide;
        var settings = stack.OnlyResource("AWS::SSM::Parameter").Id;
        var statement = stack.SiloStatement("ReadMigrationParameters");
        Assert.Equal(["ssm:GetParameter"], RenderAll(statement["Action"]));
        Assert.Equal(
            [
                "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${" + settings + "}",
                "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${RemoteCredentialsParameterName}",
            ],
            RenderAll(statement["Resource"]));
    }

    [Fact]
    public void KmsDecryptOnlyWorksForTheCredentialsParameter()
    {
        var statement = stacks.PutSide.SiloStatement("DecryptRemoteCredentials");
        Assert.Equal(["kms:Decrypt"], RenderAll(statement["Action"]));
        Assert.Equal(["arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*"], RenderAll(statement["Resource"]));
        Assert.Equal(
            "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${RemoteCredentialsParameterName}",
            Render(statement["Condition"]!["StringEquals"]!["kms:EncryptionContext:PARAMETER_ARN"]));
    }

    [Fact]
    public void MetricsMayOnlyBePublishedToTheS3MigrateNamespace()
    {
        var statement = stacks.PutSide.SiloStatement("PublishMetrics");
        Assert.Equal(["cloudwatch:PutMetricData"], RenderAll(statement["Action"]));
        Assert.Equal("S3Migrate", Render(statement["Condition"]!["StringEquals"]!["cloudwatch:namespace"]));
    }

    [Fact]
    public void LogsAreWrittenOnlyToTheClusterLogGroups()
    {
        var statement = stacks.PutSide.SiloStatement("WriteClusterLogs");
        Assert.Equal(
            [
                "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/s3migrate/S3Migrate-PutSide/metrics:*",
                "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/s3migrate/S3Migrate-PutSide/silo:*",
            ],
            RenderAll(statement["Resource"]).Order());
        Assert.DoesNotContain("logs:CreateLogGroup", RenderAll(statement["Action"]));
    }

    [Fact]
    public void SessionManagerAccessIsOptional()
    {
        Assert.Contains(stacks.PutSide.SiloStatements(), s => s["Sid"]?.GetValue<string>() == "SessionManager");
        Assert.DoesNotContain(stacks.GetSide.SiloStatements(), s => RenderAll(s["Action"]).Any(a => a.StartsWith("ssmmessages:", StringComparison.Ordinal)));
    }

    [Fact]
    public void NoIamStatementUsesWildcardResource()
    {
        foreach (var stack in AllStacks)
        {
            foreach (var statement in stack.AllPolicyStatements().Where(s => RenderAll(s["Resource"]).Contains("*")))
            {
                Assert.All(RenderAll(statement["Action"]), a => Assert.Contains(a, ActionsWithoutResourceLevelPermissions));
            }

            Assert.DoesNotContain(stack.AllPolicyStatements(), s => s["NotResource"] is not null || s["NotAction"] is not null);
        }
    }

    [Fact]
    public void NoIamStatementUsesWildcardAction()
    {
        foreach (var stack in AllStacks)
        {
            Assert.DoesNotContain(stack.AllPolicyStatements().SelectMany(s => RenderAll(s["Action"])), a => a == "*" || a.EndsWith(":*", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void ArnsCarryThePartitionOfTheDeployment()
    {
        foreach (var stack in new[] { stacks.PutSide, stacks.Global, stacks.China })
        {
            Assert.DoesNotContain("arn:aws:", stack.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("arn:aws-cn:", stack.Text, StringComparison.Ordinal);
            Assert.Contains("{\"Ref\":\"AWS::Partition\"}", JsonNode.Parse(stack.Text)!.ToJsonString(), StringComparison.Ordinal);
        }
    }
}
