using Amazon.CDK;
using S3Migrate.Infra.Configuration;

namespace S3Migrate.Infra;

/// <summary>
/// The app's two variants: the cluster in an AWS global region (by default PUT: it reads local sources and writes to
/// China), and the cluster in an AWS China region, cn-north-1 or cn-northwest-1 (by default GET: it reads the global
/// sources and writes locally). Both are environment-agnostic; the partition comes from where they are deployed.
/// </summary>
internal static class S3MigrateApp
{
    public const string GlobalStackName = "S3Migrate-Global";
    public const string ChinaStackName = "S3Migrate-China";

    /// <summary>Context key naming the settings file (<see cref="DeploymentSettings"/>).</summary>
    public const string SettingsContextKey = "s3migrate:settings";

    public static IReadOnlyList<S3MigrateStack> AddStacks(App app)
    {
        var settings = DeploymentSettings.Load(app.Node.TryGetContext(SettingsContextKey) as string);
        return
        [
            NewStack(app, GlobalStackName, settings.ToStackProps(JobType.Put, "S3Migrate silo cluster in an AWS global region")),
            NewStack(app, ChinaStackName, settings.ToStackProps(JobType.Get, "S3Migrate silo cluster in an AWS China region")),
        ];
    }

    private static S3MigrateStack NewStack(App app, string name, S3MigrateStackProps props)
    {
        // No bootstrap-version rule: the template also deploys with plain `aws cloudformation deploy`.
        props.Synthesizer = new DefaultStackSynthesizer(new DefaultStackSynthesizerProps { GenerateBootstrapVersionRule = false });
        return new S3MigrateStack(app, name, props);
    }
}
