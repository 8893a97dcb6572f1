using S3Migrate.Infra.Tests.Support;
using Xunit;

namespace S3Migrate.Infra.Tests;

[Collection(SharedStacksDefinition.Name)]
public sealed class TableTests(Stacks stacks)
{
    /// <summary>Table construct id → (partition key, sort key, setting the silo reads its name from).</summary>
    private static readonly Dictionary<string, (string Partition, string Sort, string Setting)> Expected = new()
    {
        ["TablesMembershipTable"] = ("DeploymentId", "SiloIdentity", "S3Migrate__Cluster__MembershipTableName"),
        ["TablesGrainStateTable"] = ("GrainReference", "StateName", "S3Migrate__Cluster__GrainStateTableName"),
        ["TablesReminderTable"] = ("ServiceId", "ReminderKey", "S3Migrate__Cluster__ReminderTableName"),
    };

    [Fact]
    public void ThreeTablesWithTheKeySchemasOfTheSilosProviders()
    {
        var stack = stacks.PutSide;
        Assert.Equal(3, stack.Resources("AWS::DynamoDB::Table").Count());
        foreach (var (prefix, keys) in Expected)
        {
            var table = stack.Properties(stack.Id("AWS::DynamoDB::Table", prefix));
            var schema = table["KeySchema"]!.AsArray().ToDictionary(k => k!["KeyType"]!.GetValue<string>(), k => k!["AttributeName"]!.GetValue<string>());
            Assert.Equal(keys.Partition, schema["HASH"]);
            Assert.Equal(keys.Sort, schema["RANGE"]);
            Assert.All(table["AttributeDefinitions"]!.AsArray(), a => Assert.Equal("S", a!["AttributeType"]!.GetValue<string>()));
        }
    }

    [Fact]
    public void TablesAreOnDemandRecoverableAndEncrypted()
    {
        Assert.All(stacks.PutSide.Resources("AWS::DynamoDB::Table"), t =>
        {
            var properties = t.Resource["Properties"]!;
            Assert.Equal("PAY_PER_REQUEST", properties["BillingMode"]!.GetValue<string>());
            Assert.True(properties["PointInTimeRecoverySpecification"]!["PointInTimeRecoveryEnabled"]!.GetValue<bool>());
            Assert.True(properties["SSESpecification"]!["SSEEnabled"]!.GetValue<bool>());
        });
    }

    [Fact]
    public void OnlyGrainStateExpiresAndByTheAttributeTheSiloWrites()
    {
        var stack = stacks.PutSide;
        var ttl = stack.Properties(stack.Id("AWS::DynamoDB::Table", "TablesGrainStateTable"))["TimeToLiveSpecification"]!;
        Assert.Equal("ExpiresAt", ttl["AttributeName"]!.GetValue<string>());
        Assert.True(ttl["Enabled"]!.GetValue<bool>());
        Assert.Null(stack.Properties(stack.Id("AWS::DynamoDB::Table", "TablesMembershipTable"))["TimeToLiveSpecification"]);
        Assert.Null(stack.Properties(stack.Id("AWS::DynamoDB::Table", "TablesReminderTable"))["TimeToLiveSpecification"]);
    }

    [Fact]
    public void ResumeStateOutlivesTheStackUnlessToldOtherwise()
    {
        string Policy(SynthesizedTemplate stack, string prefix) =>
            stack.ResourcesNode[stack.Id("AWS::DynamoDB::Table", prefix)]!["DeletionPolicy"]!.GetValue<string>();

        Assert.Equal("Delete", Policy(stacks.PutSide, "TablesMembershipTable"));
        Assert.Equal("Retain", Policy(stacks.PutSide, "TablesGrainStateTable"));
        Assert.Equal("Retain", Policy(stacks.PutSide, "TablesReminderTable"));
        Assert.Equal("Delete", Policy(stacks.GetSide, "TablesGrainStateTable"));
        Assert.Equal("Delete", Policy(stacks.GetSide, "TablesReminderTable"));
    }

    [Fact]
    public void TableNamesArePassedToTheSilos()
    {
        var stack = stacks.PutSide;
        var environment = stack.SiloEnvironment();
        foreach (var (prefix, keys) in Expected)
        {
            Assert.Equal("${" + stack.Id("AWS::DynamoDB::Table", prefix) + "}", environment[keys.Setting]);
        }
    }
}
