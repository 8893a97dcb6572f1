using System.Text.Json.Nodes;
using S3Migrate.Infra.Tests.Support;
using Xunit;

namespace S3Migrate.Infra.Tests;

/// <summary>
/// The synthesized templates pass our cfn-guard rules (guard/s3migrate.guard) and match CloudFormation's resource
/// specification; and each rule, and the specification check, really rejects a template that breaks it.
/// </summary>
[Collection(SharedStacksDefinition.Name)]
public sealed class PolicyCheckTests(Stacks stacks, TemplateChecks checks) : IClassFixture<TemplateChecks>
{
    /// <summary>One way to break each rule, applied to the app's global template.</summary>
    public static TheoryData<string> Breakages => [.. Breaks.Keys];

    private static readonly Dictionary<string, (string Rule, Action<JsonObject> Break)> Breaks = new()
    {
        ["queue without encryption"] = ("sqs_queues_encrypted", t => Queue(t, "QueuesJobsQueue").Remove("SqsManagedSseEnabled")),
        ["queue keeping 4 days"] = ("sqs_queues_keep_messages_14_days", t => Queue(t, "QueuesJobsQueue")["MessageRetentionPeriod"] = 345600),
        ["table without point-in-time recovery"] = ("dynamodb_tables_on_demand_recoverable_encrypted", t => Of(t, "AWS::DynamoDB::Table").First().Remove("PointInTimeRecoverySpecification")),
        ["provisioned table"] = ("dynamodb_tables_on_demand_recoverable_encrypted", t => Of(t, "AWS::DynamoDB::Table").First()["BillingMode"] = "PROVISIONED"),
        ["IMDSv1 allowed"] = ("launch_templates_require_imdsv2", t => LaunchTemplateData(t)["MetadataOptions"]!["HttpTokens"] = "optional"),
        ["unencrypted root volume"] = ("ebs_volumes_encrypted", t => LaunchTemplateData(t)["BlockDeviceMappings"]![0]!["Ebs"]!["Encrypted"] = false),
        ["group in one subnet"] = ("auto_scaling_groups_span_zones", t => Of(t, "AWS::AutoScaling::AutoScalingGroup").Single()["VPCZoneIdentifier"]!.AsArray().RemoveAt(1)),
        ["log group kept forever"] = ("log_groups_expire", t => Of(t, "AWS::Logs::LogGroup").First().Remove("RetentionInDays")),
        ["gateway open to the internet"] = ("ingress_rules_not_open_to_the_internet", t => Of(t, "AWS::EC2::SecurityGroupIngress").Single(r => r["CidrIp"] is not null)["CidrIp"] = "0.0.0.0/0"),
        ["SSH open to the internet"] = ("security_groups_not_open_to_the_internet", t => Of(t, "AWS::EC2::SecurityGroup").First()["SecurityGroupIngress"] = new JsonArray(new JsonObject { ["CidrIp"] = "0.0.0.0/0", ["IpProtocol"] = "tcp", ["FromPort"] = 22, ["ToPort"] = 22 })),
        ["S3 may send from any account"] = ("s3_notifications_scoped_to_named_buckets_of_this_account", t => S3QueueStatement(t)["Condition"]!.AsObject().Remove("StringEquals")),
        ["every S3 action"] = ("iam_no_wildcard_actions", t => SiloStatements(t).Add(Statement("s3:*", "arn:aws:s3:::bucket"))),
        ["every action"] = ("iam_no_wildcard_actions", t => SiloStatements(t).Add(Statement("*", "arn:aws:s3:::bucket"))),
        ["reading every bucket"] = ("iam_wildcard_resource_only_for_unscoped_actions", t => SiloStatements(t).Add(Statement("s3:GetObject", "*"))),
        ["wildcard hidden in a resource list"] = ("iam_wildcard_resource_only_for_unscoped_actions", t => SiloStatements(t).Add(Statement("sqs:SendMessage", new JsonArray("arn:aws:sqs:us-east-1:111122223333:q", "*")))),
        ["NotResource"] = ("iam_wildcard_resource_only_for_unscoped_actions", t => SiloStatements(t).Add(new JsonObject { ["Effect"] = "Allow", ["Action"] = "s3:GetObject", ["NotResource"] = "arn:aws:s3:::bucket/*" })),
        ["inline role policy on every resource"] = ("iam_wildcard_resource_only_for_unscoped_actions", t => Of(t, "AWS::IAM::Role").First()["Policies"] = new JsonArray(new JsonObject { ["PolicyName"] = "extra", ["PolicyDocument"] = new JsonObject { ["Statement"] = new JsonArray(Statement("dynamodb:Scan", "*")) } })),
    };

    [Fact]
    public void AppRunAsAProgramWritesAGlobalAndAChinaTemplate() =>
        Assert.Equal(["S3Migrate-China.template.json", "S3Migrate-Global.template.json"], checks.AppTemplates.Select(Path.GetFileName));

    [Fact]
    public void SynthesizedTemplatesPassTheGuardRules()
    {
        var result = checks.RunGuard([.. checks.AppTemplates, stacks.GetSide.TemplatePath, stacks.Global.TemplatePath]);
        Assert.True(result.ExitCode == 0, result.Everything);
        Assert.Empty(TemplateChecks.FailedRules(result));
    }

    [Fact]
    public void SynthesizedTemplatesMatchTheResourceSpecification()
    {
        var result = TemplateChecks.RunSpecCheck([.. checks.AppTemplates, stacks.GetSide.TemplatePath, stacks.Global.TemplatePath]);
        Assert.True(result.ExitCode == 0, result.Everything);
        Assert.Contains("0 problems", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Breakages))]
    public void GuardRejectsATemplateThatBreaksARule(string breakage)
    {
        var (rule, change) = Breaks[breakage];
        var broken = TemplateChecks.WriteVariant(GlobalTemplate, change, "broken");

        var result = checks.RunGuard([broken]);

        Assert.True(result.ExitCode == TemplateChecks.GuardRuleFailed, $"cfn-guard exited {result.ExitCode}:\n{result.Everything}");
        Assert.Equal([rule], TemplateChecks.FailedRules(result));
    }

    [Fact]
    public void SpecCheckRejectsMisspelledAndMissingProperties()
    {
        var broken = TemplateChecks.WriteVariant(GlobalTemplate, t =>
        {
            Queue(t, "QueuesJobsQueue")["VisibilityTimeOut"] = 300;
            LaunchTemplateData(t)["MetadataOptions"]!["HttpToken"] = "required";
            Of(t, "AWS::DynamoDB::Table").First().Remove("KeySchema");
        }, "misspelled");

        var result = TemplateChecks.RunSpecCheck([broken]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unknown property VisibilityTimeOut", result.Output, StringComparison.Ordinal);
        Assert.Contains("MetadataOptions: unknown property HttpToken", result.Output, StringComparison.Ordinal);
        Assert.Contains("missing required property KeySchema", result.Output, StringComparison.Ordinal);
    }

    private string GlobalTemplate => checks.AppTemplates.Single(t => t.EndsWith("S3Migrate-Global.template.json", StringComparison.Ordinal));

    private static IEnumerable<JsonObject> Of(JsonObject template, string type) =>
        template["Resources"]!.AsObject()
            .Where(r => r.Value!["Type"]!.GetValue<string>() == type)
            .Select(r => r.Value!["Properties"]!.AsObject());

    private static JsonObject Queue(JsonObject template, string idPrefix) =>
        template["Resources"]!.AsObject()
            .Single(r => r.Key.StartsWith(idPrefix, StringComparison.Ordinal) && r.Value!["Type"]!.GetValue<string>() == "AWS::SQS::Queue")
            .Value!["Properties"]!.AsObject();

    private static JsonObject LaunchTemplateData(JsonObject template) =>
        Of(template, "AWS::EC2::LaunchTemplate").Single()["LaunchTemplateData"]!.AsObject();

    private static JsonArray SiloStatements(JsonObject template) =>
        template["Resources"]!.AsObject().Single(r => r.Key.StartsWith("SiloRolePolicy", StringComparison.Ordinal))
            .Value!["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray();

    private static JsonObject S3QueueStatement(JsonObject template) =>
        Of(template, "AWS::SQS::QueuePolicy")
            .SelectMany(p => p["PolicyDocument"]!["Statement"]!.AsArray())
            .Single(s => s!["Principal"]?["Service"]?.GetValue<string>() == "s3.amazonaws.com")!.AsObject();

    private static JsonObject Statement(string action, JsonNode resource) => new()
    {
        ["Effect"] = "Allow",
        ["Action"] = action,
        ["Resource"] = resource,
    };
}
