using Amazon.CDK;
using Amazon.CDK.AWS.AutoScaling;
using Amazon.CDK.AWS.EC2;
using Constructs;
using BlockDevice = Amazon.CDK.AWS.EC2.BlockDevice;
using BlockDeviceVolume = Amazon.CDK.AWS.EC2.BlockDeviceVolume;
using EbsDeviceOptions = Amazon.CDK.AWS.EC2.EbsDeviceOptions;
using EbsDeviceVolumeType = Amazon.CDK.AWS.EC2.EbsDeviceVolumeType;
using S3Migrate.Infra.Configuration;

namespace S3Migrate.Infra.Compute;

/// <summary>
/// The silos: a security group for Orleans traffic, a launch template (Amazon Linux 2023 from its public SSM
/// parameter, resolved at deploy time; IMDSv2 only; encrypted gp3 root) and an Auto Scaling group that mixes an
/// on-demand base with Spot, spans the VPC's zones and scales on the queue backlog per silo.
/// </summary>
internal sealed class SiloFleet : Construct
{
    /// <summary>Device name of the Amazon Linux 2023 root volume.</summary>
    private const string RootDeviceName = "/dev/xvda";

    public SecurityGroup SecurityGroup { get; }

    public LaunchTemplate LaunchTemplate { get; }

    public AutoScalingGroup Group { get; }

    public SiloFleet(Construct scope, string id, SiloFleetInputs inputs)
        : base(scope, id)
    {
        var props = inputs.Props;
        var parameters = inputs.Parameters;
        var stack = Stack.Of(this);

        SecurityGroup = new SiloSecurityGroup(this, "SecurityGroup", inputs.Network.Vpc, parameters).Group;

        LaunchTemplate = new LaunchTemplate(this, "LaunchTemplate", new LaunchTemplateProps
        {
            MachineImage = MachineImage.LatestAmazonLinux2023(new AmazonLinux2023ImageSsmParameterProps
            {
                CpuType = props.CpuArchitecture == CpuArchitecture.Arm64 ? AmazonLinuxCpuType.ARM_64 : AmazonLinuxCpuType.X86_64,
            }),
            Role = inputs.Role,
            UserData = SiloUserData.Create(stack, inputs),
            SecurityGroup = SecurityGroup,
            RequireImdsv2 = true,
            DetailedMonitoring = props.DetailedMonitoring,
            BlockDevices =
            [
                new BlockDevice
                {
                    DeviceName = RootDeviceName,
                    Volume = BlockDeviceVolume.Ebs(props.RootVolumeGiB, new EbsDeviceOptions
                    {
                        Encrypted = true,
                        VolumeType = EbsDeviceVolumeType.GP3,
                        DeleteOnTermination = true,
                    }),
                },
            ],
        });

        Group = new AutoScalingGroup(this, "Group", new AutoScalingGroupProps
        {
            Vpc = inputs.Network.Vpc,
            VpcSubnets = inputs.Network.SiloSubnets,
            MixedInstancesPolicy = new MixedInstancesPolicy
            {
                LaunchTemplate = LaunchTemplate,
                LaunchTemplateOverrides = [new LaunchTemplateOverrides { InstanceType = new InstanceType(parameters.InstanceType.ValueAsString) }],
                InstancesDistribution = new InstancesDistribution
                {
                    OnDemandBaseCapacity = parameters.OnDemandBaseCapacity.ValueAsNumber,
                    OnDemandPercentageAboveBaseCapacity = parameters.OnDemandPercentageAboveBase.ValueAsNumber,
                    OnDemandAllocationStrategy = OnDemandAllocationStrategy.PRIORITIZED,
                    SpotAllocationStrategy = SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED,
                },
            },
            MinCapacity = parameters.MinCapacity.ValueAsNumber,
            MaxCapacity = parameters.MaxCapacity.ValueAsNumber,
            DesiredCapacity = parameters.DesiredCapacity.ValueAsNumber,
            GroupMetrics = [GroupMetrics.All()],
            CapacityRebalance = true,
            DefaultInstanceWarmup = Duration.Seconds(props.InstanceWarmupSeconds),
        });

        // The second instance type is optional: the override list gets it only when the parameter is not empty.
        var cfnGroup = (CfnAutoScalingGroup)Group.Node.DefaultChild!;
        cfnGroup.AddPropertyOverride("MixedInstancesPolicy.LaunchTemplate.Overrides", new object[]
        {
            new Dictionary<string, object> { ["InstanceType"] = parameters.InstanceType.ValueAsString },
            // Written as raw JSON: jsii cannot pass the proxy that Fn.ConditionIf returns inside an untyped array.
            new Dictionary<string, object>
            {
                ["Fn::If"] = new object[]
                {
                    parameters.HasSecondInstanceType.LogicalId,
                    new Dictionary<string, object> { ["InstanceType"] = parameters.SecondInstanceType.ValueAsString },
                    Aws.NO_VALUE,
                },
            },
        });

        _ = new BacklogScaling(this, "BacklogScaling", Group, inputs.Queues, parameters.TargetBacklogPerInstance);
    }
}
