using S3Migrate.Infra.Tests.Support;
using Xunit;
using static S3Migrate.Infra.Tests.Support.Intrinsics;

namespace S3Migrate.Infra.Tests;

[Collection(SharedStacksDefinition.Name)]
public sealed class NetworkTests(Stacks stacks)
{
    [Fact]
    public void VpcSpansTwoAvailabilityZones()
    {
        foreach (var stack in new[] { stacks.PutSide, stacks.GetSide })
        {
            var zones = stack.Resources("AWS::EC2::Subnet")
                .Select(s => s.Resource["Properties"]!["AvailabilityZone"]!["Fn::Select"]![0]!.GetValue<int>())
                .Distinct()
                .Order();
            Assert.Equal([0, 1], zones);
        }
    }

    [Fact]
    public void PublicLayoutHasNoNatAndGivesSilosPublicAddresses()
    {
        var stack = stacks.PutSide;
        Assert.Empty(stack.Resources("AWS::EC2::NatGateway"));

        var subnets = stack.Resources("AWS::EC2::Subnet").ToList();
        Assert.Equal(2, subnets.Count);
        Assert.All(subnets, s => Assert.True(s.Resource["Properties"]!["MapPublicIpOnLaunch"]!.GetValue<bool>()));
        Assert.Equal(
            subnets.Select(s => "${" + s.Id + "}").Order(),
            RenderAll(stack.Properties(stack.OnlyResource("AWS::AutoScaling::AutoScalingGroup").Id)["VPCZoneIdentifier"]).Order());
    }

    [Fact]
    public void PrivateLayoutPlacesSilosBehindNatGateways()
    {
        var stack = stacks.GetSide;
        Assert.Equal(2, stack.Resources("AWS::EC2::NatGateway").Count());

        var natRoutes = stack.Resources("AWS::EC2::Route")
            .Where(r => r.Resource["Properties"]!["NatGatewayId"] is not null)
            .Select(r => Render(r.Resource["Properties"]!["RouteTableId"]))
            .ToHashSet();
        var siloSubnets = RenderAll(stack.Properties(stack.OnlyResource("AWS::AutoScaling::AutoScalingGroup").Id)["VPCZoneIdentifier"]);
        Assert.Equal(2, siloSubnets.Count);
        foreach (var subnet in siloSubnets)
        {
            var subnetId = subnet.Trim('$', '{', '}');
            Assert.False(stack.Properties(subnetId)["MapPublicIpOnLaunch"]!.GetValue<bool>());
            var routeTable = stack.Resources("AWS::EC2::SubnetRouteTableAssociation")
                .Single(a => Render(a.Resource["Properties"]!["SubnetId"]) == subnet).Resource["Properties"]!["RouteTableId"];
            Assert.Contains(Render(routeTable), natRoutes);
        }
    }

    [Fact]
    public void S3GatewayEndpointServesEverySubnetInBothLayouts()
    {
        foreach (var stack in new[] { stacks.PutSide, stacks.GetSide })
        {
            var endpoint = stack.Resources("AWS::EC2::VPCEndpoint")
                .Select(e => e.Resource["Properties"]!.AsObject())
                .Single(p => Render(p["ServiceName"]) == "com.amazonaws.${AWS::Region}.s3");
            Assert.Equal("Gateway", endpoint["VpcEndpointType"]!.GetValue<string>());
            Assert.Equal(stack.Resources("AWS::EC2::RouteTable").Count(), endpoint["RouteTableIds"]!.AsArray().Count);
        }
    }

    [Fact]
    public void DynamoDbGatewayEndpointIsOptional()
    {
        static bool HasDynamoDb(SynthesizedTemplate stack) => stack.Resources("AWS::EC2::VPCEndpoint")
            .Any(e => Render(e.Resource["Properties"]!["ServiceName"]) == "com.amazonaws.${AWS::Region}.dynamodb");

        Assert.True(HasDynamoDb(stacks.PutSide));
        Assert.False(HasDynamoDb(stacks.GetSide));
    }
}
