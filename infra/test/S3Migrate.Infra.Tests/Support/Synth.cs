using Amazon.CDK;
using S3Migrate.Infra.Configuration;

namespace S3Migrate.Infra.Tests.Support;

/// <summary>Synthesizes stacks the way the app does, each app into its own folder.</summary>
internal static class Synth
{
    public static App NewApp(IDictionary<string, object>? context = null) => new(new AppProps
    {
        Outdir = Path.Combine(TestProcessEnvironment.TempDirectory, "cdk.out-" + Guid.NewGuid().ToString("N")),
        AnalyticsReporting = false,
        Context = context,
    });

    public static SynthesizedTemplate Stack(string name, S3MigrateStackProps props)
    {
        var app = NewApp();
        props.Synthesizer = new DefaultStackSynthesizer(new DefaultStackSynthesizerProps { GenerateBootstrapVersionRule = false });
        _ = new S3MigrateStack(app, name, props);
        return Stacks(app)[name];
    }

    public static IReadOnlyDictionary<string, SynthesizedTemplate> Stacks(App app)
    {
        var assembly = app.Synth();
        return assembly.Stacks.ToDictionary(s => s.StackName, s => new SynthesizedTemplate(s.StackName, s.TemplateFullPath, assembly));
    }
}
