using System.Text.Json.Nodes;
using S3Migrate.Infra.Tests.Support;
using Xunit;
using static S3Migrate.Infra.Tests.Support.Intrinsics;

namespace S3Migrate.Infra.Tests;

[Collection(SharedStacksDefinition.Name)]
public sealed class AutoScalingTests(Stacks stacks)
{
    private static JsonObject Group(SynthesizedTemplate stack) => stack.Properties(stack.OnlyResource("AWS::AutoScaling::AutoScalingGroup").Id);

    [Fact]
    public void InstanceTypeAndCapacitiesAreParametersWithDocumentedDefaults()
    {
        var stack = stacks.PutSide;
        var group = Group(stack);
        Assert.Equal("${MinCapacity}", Render(group["MinSize"]));
        Assert.Equal("${MaxCapacity}", Render(group["MaxSize"]));
        Assert.Equal("${DesiredCapacity}", Render(group["DesiredCapacity"]));
        Assert.Equal("${InstanceType}", Render(group["MixedInstancesPolicy"]!["LaunchTemplate"]!["Overrides"]![0]!["InstanceType"]));

        var parameters = stack.Json["Parameters"]!;
        Assert.Equal("c6i.large", parameters["InstanceType"]!["Default"]!.GetValue<string>());
        Assert.Equal(1, parameters["MinCapacity"]!["Default"]!.GetValue<int>());
        Assert.Equal(10, parameters["MaxCapacity"]!["Default"]!.GetValue<int>());
        Assert.Equal(2, parameters["DesiredCapacity"]!["Default"]!.GetValue<int>());
        Assert.Equal("c6g.large", stacks.GetSide.Json["Parameters"]!["InstanceType"]!["Default"]!.GetValue<string>());
    }

    [Fact]
    public void GroupMixesAnOnDemandBaseWithSpot()
    {
        var stack = stacks.PutSide;
        var distribution = Group(stack)["MixedInstancesPolicy"]!["InstancesDistribution"]!;
        Assert.Equal("${OnDemandBaseCapacity}", Render(distribution["OnDemandBaseCapacity"]));
        Assert.Equal("${OnDemandPercentageAboveBase}", Render(distribution["OnDemandPercentageAboveBaseCapacity"]));
        Assert.Equal("price-capacity-optimized", distribution["SpotAllocationStrategy"]!.GetValue<string>());

        var parameters = stack.Json["Parameters"]!;
        Assert.Equal(1, parameters["OnDemandBaseCapacity"]!["Default"]!.GetValue<int>());
        Assert.Equal(0, parameters["OnDemandPercentageAboveBase"]!["Default"]!.GetValue<int>());
        Assert.True(Group(stack)["CapacityRebalance"]!.GetValue<bool>());
    }

    [Fact]
    public void SecondInstanceTypeJoinsTheSpotPoolsOnlyWhenGiven()
    {
        var stack = stacks.PutSide;
        var second = Group(stack)["MixedInstancesPolicy"]!["LaunchTemplate"]!["Overrides"]![1]!["Fn::If"]!.AsArray();
        Assert.Equal("HasSecondInstanceType", second[0]!.GetValue<string>());
        Assert.Equal("${SecondInstanceType}", Render(second[1]!["InstanceType"]));
        Assert.Equal("${AWS::NoValue}", Render(second[2]));

        var condition = stack.Json["Conditions"]!["HasSecondInstanceType"]!["Fn::Not"]![0]!["Fn::Equals"]!.AsArray();
        Assert.Equal(["${SecondInstanceType}", string.Empty], condition.Select(Render));
    }

    [Fact]
    public void GroupCollectsItsCapacityMetricsEveryMinute()
    {
        var collection = Assert.Single(Group(stacks.PutSide)["MetricsCollection"]!.AsArray())!;
        Assert.Equal("1Minute", collection["Granularity"]!.GetValue<string>());
        Assert.Null(collection["Metrics"]);
    }

    [Fact]
    public void GroupScalesOnVisibleMessagesPerSiloInService()
    {
        var stack = stacks.PutSide;
        var policy = stack.Properties(stack.OnlyResource("AWS::AutoScaling::ScalingPolicy").Id);
        Assert.Equal("TargetTrackingScaling", policy["PolicyType"]!.GetValue<string>());
        Assert.Equal("${" + stack.OnlyResource("AWS::AutoScaling::AutoScalingGroup").Id + "}", Render(policy["AutoScalingGroupName"]));

        var tracking = policy["TargetTrackingConfiguration"]!;
        Assert.Equal("${TargetBacklogPerInstance}", Render(tracking["TargetValue"]));

        var queries = tracking["CustomizedMetricSpecification"]!["Metrics"]!.AsArray().Select(q => q!.AsObject()).ToList();
        var visible = queries.Where(q => q["MetricStat"]?["Metric"]?["MetricName"]?.GetValue<string>() == "ApproximateNumberOfMessagesVisible").ToList();
        Assert.Equal(
            [
                "${" + stack.Id("AWS::SQS::Queue", "QueuesJobsQueue") + ".QueueName}",
                "${" + stack.Id("AWS::SQS::Queue", "QueuesEventsQueue") + ".QueueName}",
            ],
            visible.Select(q => Render(q["MetricStat"]!["Metric"]!["Dimensions"]![0]!["Value"])));

        var silos = queries.Single(q => q["MetricStat"]?["Metric"]?["MetricName"]?.GetValue<string>() == "GroupInServiceInstances");
        var expression = queries.Single(q => q["ReturnData"]!.GetValue<bool>());
        var text = expression["Expression"]!.GetValue<string>();
        Assert.Contains($"/ {silos["Id"]!.GetValue<string>()}", text, StringComparison.Ordinal);
        Assert.All(visible, q => Assert.Contains(q["Id"]!.GetValue<string>(), text, StringComparison.Ordinal));
        Assert.All(queries.Where(q => q != expression), q => Assert.False(q["ReturnData"]!.GetValue<bool>()));
    }
}
