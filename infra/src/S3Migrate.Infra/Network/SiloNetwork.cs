using Amazon.CDK.AWS.EC2;
using Constructs;
using S3Migrate.Infra.Configuration;

namespace S3Migrate.Infra.Network;

/// <summary>
/// The VPC the silos run in: two or more zones, public subnets (or private ones behind NAT), and gateway endpoints so
/// that same-region S3 (and DynamoDB) traffic stays off the internet and off NAT.
/// </summary>
internal sealed class SiloNetwork : Construct
{
    public Vpc Vpc { get; }

    /// <summary>The subnets the Auto Scaling group launches silos into.</summary>
    public SubnetSelection SiloSubnets { get; }

    public SiloNetwork(Construct scope, string id, S3MigrateStackProps props)
        : base(scope, id)
    {
        var isPrivate = props.Network == NetworkLayout.PrivateSubnetsWithNat;

        var subnets = new List<ISubnetConfiguration>
        {
            new SubnetConfiguration { Name = "Public", SubnetType = SubnetType.PUBLIC, CidrMask = props.PublicSubnetCidrMask, MapPublicIpOnLaunch = !isPrivate },
        };
        if (isPrivate)
        {
            subnets.Add(new SubnetConfiguration { Name = "Silos", SubnetType = SubnetType.PRIVATE_WITH_EGRESS, CidrMask = props.PrivateSubnetCidrMask });
        }

        var endpoints = new Dictionary<string, IGatewayVpcEndpointOptions>
        {
            ["S3"] = new GatewayVpcEndpointOptions { Service = GatewayVpcEndpointAwsService.S3 },
        };
        if (props.DynamoDbGatewayEndpoint)
        {
            endpoints["DynamoDb"] = new GatewayVpcEndpointOptions { Service = GatewayVpcEndpointAwsService.DYNAMODB };
        }

        Vpc = new Vpc(this, "Vpc", new VpcProps
        {
            IpAddresses = IpAddresses.Cidr(props.VpcCidr),
            MaxAzs = props.AvailabilityZoneCount,
            NatGateways = isPrivate ? props.NatGateways : 0,
            SubnetConfiguration = [.. subnets],
            GatewayEndpoints = endpoints,
            // Restricting the default security group needs a custom resource whose code is a file asset, which would
            // make plain `aws cloudformation deploy` impossible; nothing here uses the default group.
            RestrictDefaultSecurityGroup = false,
        });

        SiloSubnets = new SubnetSelection { SubnetType = isPrivate ? SubnetType.PRIVATE_WITH_EGRESS : SubnetType.PUBLIC };
    }
}
