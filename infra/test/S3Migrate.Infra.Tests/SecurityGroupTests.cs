using System.Text.Json.Nodes;
using S3Migrate.Infra.Tests.Support;
using Xunit;
using static S3Migrate.Infra.Tests.Support.Intrinsics;

namespace S3Migrate.Infra.Tests;

[Collection(SharedStacksDefinition.Name)]
public sealed class SecurityGroupTests(Stacks stacks)
{
    private const int SiloPort = 11111;
    private const int GatewayPort = 30000;

    private static IEnumerable<JsonObject> Rules(SynthesizedTemplate stack, string type) =>
        stack.Resources(type).Select(r => r.Resource["Properties"]!.AsObject());

    [Fact]
    public void SilosReachEachOtherOnTheSiloAndGatewayPorts()
    {
        var stack = stacks.PutSide;
        var self = "${" + stack.OnlyResource("AWS::EC2::SecurityGroup").Id + ".GroupId}";
        foreach (var type in new[] { "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress" })
        {
            var peerKey = type.EndsWith("Ingress", StringComparison.Ordinal) ? "SourceSecurityGroupId" : "DestinationSecurityGroupId";
            var ports = Rules(stack, type)
                .Where(r => Render(r[peerKey]) == self && Render(r["GroupId"]) == self)
                .Select(r => (r["FromPort"]!.GetValue<int>(), r["ToPort"]!.GetValue<int>()))
                .Order();
            Assert.Equal([(SiloPort, SiloPort), (GatewayPort, GatewayPort)], ports);
        }
    }

    [Fact]
    public void GatewayOpensToOperatorsOnlyWhenACidrIsGiven()
    {
        var stack = stacks.PutSide;
        var (id, rule) = stack.Resources("AWS::EC2::SecurityGroupIngress").Single(r => r.Resource["Properties"]!["CidrIp"] is not null);
        Assert.Equal("HasGatewayClientCidr", rule["Condition"]!.GetValue<string>());
        var properties = stack.Properties(id);
        Assert.Equal("${GatewayClientCidr}", Render(properties["CidrIp"]));
        Assert.Equal(GatewayPort, properties["FromPort"]!.GetValue<int>());
        Assert.Equal(GatewayPort, properties["ToPort"]!.GetValue<int>());
        Assert.Equal(string.Empty, stack.Json["Parameters"]!["GatewayClientCidr"]!["Default"]!.GetValue<string>());
    }

    [Fact]
    public void OutboundTrafficIsHttpsAndOrleansOnly()
    {
        var stack = stacks.PutSide;
        var group = stack.Properties(stack.OnlyResource("AWS::EC2::SecurityGroup").Id);
        var egress = Assert.Single(group["SecurityGroupEgress"]!.AsArray())!;
        Assert.Equal("0.0.0.0/0", egress["CidrIp"]!.GetValue<string>());
        Assert.Equal(443, egress["FromPort"]!.GetValue<int>());
        Assert.Equal(443, egress["ToPort"]!.GetValue<int>());
        Assert.All(Rules(stack, "AWS::EC2::SecurityGroupEgress"), r => Assert.Null(r["CidrIp"]));
    }
}
