using Amazon.CDK.AWS.EC2;
using Constructs;
using S3Migrate.Infra.Configuration;

namespace S3Migrate.Infra.Compute;

/// <summary>
/// Silos reach each other on the Orleans silo and gateway ports, operators' clients reach the gateway only from the
/// GatewayClientCidr parameter (none by default), and outbound traffic is HTTPS (S3, SQS, DynamoDB, SSM, CloudWatch,
/// package repositories) plus the Orleans ports inside the group.
/// </summary>
internal sealed class SiloSecurityGroup : Construct
{
    private const int HttpsPort = 443;

    public SecurityGroup Group { get; }

    public SiloSecurityGroup(Construct scope, string id, IVpc vpc, DeploymentParameters parameters)
        : base(scope, id)
    {
        Group = new SecurityGroup(this, "Group", new SecurityGroupProps
        {
            Vpc = vpc,
            AllowAllOutbound = false,
            Description = "S3Migrate silos",
        });

        foreach (var (port, name) in new[] { (SiloContract.SiloPortNumber, "silo"), (SiloContract.GatewayPortNumber, "gateway") })
        {
            Group.AddIngressRule(Group, Port.Tcp(port), $"Orleans {name} port from other silos");
            Group.AddEgressRule(Group, Port.Tcp(port), $"Orleans {name} port to other silos");
        }

        Group.AddEgressRule(Peer.AnyIpv4(), Port.Tcp(HttpsPort), "HTTPS to AWS endpoints and the other partition");

        var clients = new CfnSecurityGroupIngress(this, "GatewayClients", new CfnSecurityGroupIngressProps
        {
            GroupId = Group.SecurityGroupId,
            IpProtocol = "tcp",
            FromPort = SiloContract.GatewayPortNumber,
            ToPort = SiloContract.GatewayPortNumber,
            CidrIp = parameters.GatewayClientCidr.ValueAsString,
            Description = "Orleans gateway port from operators' clients",
        });
        clients.CfnOptions.Condition = parameters.HasGatewayClientCidr;
    }
}
