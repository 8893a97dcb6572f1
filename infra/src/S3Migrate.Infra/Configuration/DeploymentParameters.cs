using Amazon.CDK;

namespace S3Migrate.Infra.Configuration;

/// <summary>
/// The CloudFormation parameters an operator sets at deploy time: sizes, artifact locations, the remote credentials
/// name, who may reach the gateway and who gets notified. Created at stack level so their names stay short and stable.
/// </summary>
internal sealed class DeploymentParameters
{
    private const string InstanceTypePattern = @"^[a-z][a-z0-9\-]*\.[a-z0-9]+$";
    private const string BucketNamePattern = @"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$";
    private const string ParameterNamePattern = @"^/[A-Za-z0-9_.\-/]+$";
    private const string OptionalCidrPattern = @"^$|^(\d{1,3}\.){3}\d{1,3}/\d{1,2}$";
    private const string OptionalEmailPattern = @"^$|^[^@\s]+@[^@\s]+$";
    private const int MaxPercentage = 100;

    public CfnParameter InstanceType { get; }

    public CfnParameter SecondInstanceType { get; }

    public CfnParameter MinCapacity { get; }

    public CfnParameter MaxCapacity { get; }

    public CfnParameter DesiredCapacity { get; }

    public CfnParameter OnDemandBaseCapacity { get; }

    public CfnParameter OnDemandPercentageAboveBase { get; }

    public CfnParameter TargetBacklogPerInstance { get; }

    public CfnParameter ArtifactBucket { get; }

    public CfnParameter SiloArtifactKey { get; }

    public CfnParameter DotnetRuntimeKey { get; }

    public CfnParameter RemoteCredentialsParameterName { get; }

    public CfnParameter GatewayClientCidr { get; }

    public CfnParameter NotificationEmail { get; }

    public CfnCondition HasSecondInstanceType { get; }

    public CfnCondition HasGatewayClientCidr { get; }

    public CfnCondition HasNotificationEmail { get; }

    public DeploymentParameters(Stack stack, S3MigrateStackProps props)
    {
        InstanceType = Text(stack, "InstanceType", props.InstanceTypeDefault, "Instance type of the silos (on-demand and Spot).", InstanceTypePattern);
        SecondInstanceType = Text(stack, "SecondInstanceType", props.SecondInstanceTypeDefault, "A second instance type of the same architecture, for a second Spot pool; empty for none.", "^$|" + InstanceTypePattern);
        MinCapacity = Number(stack, "MinCapacity", props.DefaultMinCapacity, "Fewest silos.", 0);
        MaxCapacity = Number(stack, "MaxCapacity", props.DefaultMaxCapacity, "Most silos.", 1);
        DesiredCapacity = Number(stack, "DesiredCapacity", props.DefaultDesiredCapacity, "Silos to start with; scaling on the queue backlog adjusts it.", 0);
        OnDemandBaseCapacity = Number(stack, "OnDemandBaseCapacity", props.DefaultOnDemandBaseCapacity, "Silos that are always on-demand (never interrupted).", 0);
        OnDemandPercentageAboveBase = Number(stack, "OnDemandPercentageAboveBase", props.DefaultOnDemandPercentageAboveBase, "Percentage of the silos above the base that are on-demand; the rest are Spot.", 0, MaxPercentage);
        TargetBacklogPerInstance = Number(stack, "TargetBacklogPerInstance", props.DefaultTargetBacklogPerInstance, "Visible job messages per silo that scaling aims at.", 1);
        ArtifactBucket = Text(stack, "ArtifactBucket", null, "Bucket in this region holding the silo package and the .NET runtime tarball.", BucketNamePattern);
        SiloArtifactKey = Text(stack, "SiloArtifactKey", props.DefaultSiloArtifactKey, "Key of the silo package (.tar.gz of the published S3Migrate.Silo folder).", null);
        DotnetRuntimeKey = Text(stack, "DotnetRuntimeKey", props.DotnetRuntimeKeyDefault, "Key of the ASP.NET Core runtime tarball for Linux (it includes the .NET runtime).", null);
        RemoteCredentialsParameterName = Text(stack, "RemoteCredentialsParameterName", props.DefaultRemoteCredentialsParameterName, "Name of the SecureString parameter holding the other partition's credentials; create it before deploying.", ParameterNamePattern);
        GatewayClientCidr = Text(stack, "GatewayClientCidr", string.Empty, "IPv4 range of operators' Orleans clients allowed to reach the gateway port; empty for none.", OptionalCidrPattern);
        NotificationEmail = Text(stack, "NotificationEmail", string.Empty, "E-mail address subscribed to alarms and 'migration finished' messages; empty for none.", OptionalEmailPattern);

        HasSecondInstanceType = NotEmpty(stack, "HasSecondInstanceType", SecondInstanceType);
        HasGatewayClientCidr = NotEmpty(stack, "HasGatewayClientCidr", GatewayClientCidr);
        HasNotificationEmail = NotEmpty(stack, "HasNotificationEmail", NotificationEmail);

        stack.TemplateOptions.Metadata = new Dictionary<string, object>
        {
            ["AWS::CloudFormation::Interface"] = new Dictionary<string, object>
            {
                ["ParameterGroups"] = new object[]
                {
                    Group("Silo artifacts", ArtifactBucket, SiloArtifactKey, DotnetRuntimeKey),
                    Group("Remote side", RemoteCredentialsParameterName),
                    Group("Capacity", InstanceType, SecondInstanceType, MinCapacity, MaxCapacity, DesiredCapacity, OnDemandBaseCapacity, OnDemandPercentageAboveBase, TargetBacklogPerInstance),
                    Group("Access and notifications", GatewayClientCidr, NotificationEmail),
                },
            },
        };
    }

    private static CfnParameter Text(Stack stack, string id, string? defaultValue, string description, string? pattern)
    {
        var props = new CfnParameterProps { Type = "String", Description = description, MinLength = pattern is null ? 1 : null };
        if (defaultValue is not null)
        {
            props.Default = defaultValue;
        }

        if (pattern is not null)
        {
            props.AllowedPattern = pattern;
            props.ConstraintDescription = $"must match {pattern}";
        }

        return new CfnParameter(stack, id, props);
    }

    private static CfnParameter Number(Stack stack, string id, int defaultValue, string description, int minValue, int? maxValue = null) =>
        new(stack, id, new CfnParameterProps { Type = "Number", Default = defaultValue, Description = description, MinValue = minValue, MaxValue = maxValue });

    private static CfnCondition NotEmpty(Stack stack, string id, CfnParameter parameter) =>
        new(stack, id, new CfnConditionProps { Expression = Fn.ConditionNot(Fn.ConditionEquals(parameter.ValueAsString, string.Empty)) });

    private static Dictionary<string, object> Group(string label, params CfnParameter[] parameters) => new()
    {
        ["Label"] = new Dictionary<string, object> { ["default"] = label },
        ["Parameters"] = parameters.Select(p => (object)p.LogicalId).ToArray(),
    };
}
