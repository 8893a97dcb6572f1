using System.Text.Json;
using Amazon.CDK;
using Amazon.CDK.AWS.SSM;
using Constructs;
using S3Migrate.Infra.Configuration;
using S3Migrate.Infra.Security;

namespace S3Migrate.Infra.State;

/// <summary>
/// The migration settings parameter the silos poll (created here, seeded with the bucket list), and the remote
/// credentials SecureString, which CloudFormation cannot create and is therefore only referenced by name.
/// </summary>
internal sealed class MigrationParameters : Construct
{
    /// <summary>Largest value of a Standard-tier parameter, in bytes; larger values need the Advanced tier.</summary>
    private const int StandardTierMaxBytes = 4096;

    private static readonly JsonSerializerOptions RouteJson = new() { WriteIndented = false };

    public StringParameter Settings { get; }

    public string SettingsName { get; }

    /// <summary>Name of the remote credentials SecureString (a CloudFormation parameter).</summary>
    public string CredentialsName { get; }

    public string CredentialsArn { get; }

    public MigrationParameters(Construct scope, string id, S3MigrateStackProps props, string credentialsParameterName)
        : base(scope, id)
    {
        var value = JsonSerializer.Serialize(props.Routes, RouteJson);
        SettingsName = $"{props.ParameterPathPrefix}/{Stack.Of(this).StackName}/migrations";
        Settings = new StringParameter(this, "MigrationSettings", new StringParameterProps
        {
            ParameterName = SettingsName,
            StringValue = value,
            Description = "S3Migrate migration settings and bucket list; the silos poll it.",
            Tier = System.Text.Encoding.UTF8.GetByteCount(value) > StandardTierMaxBytes ? ParameterTier.ADVANCED : ParameterTier.STANDARD,
        });

        CredentialsName = credentialsParameterName;
        CredentialsArn = Arns.Parameter(this, credentialsParameterName);
    }
}
