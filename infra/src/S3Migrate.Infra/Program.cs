using Amazon.CDK;
using S3Migrate.Infra;

// The cdk CLI sets CDK_OUTDIR; run directly, the app writes ./cdk.out.
var app = new App(new AppProps
{
    Outdir = System.Environment.GetEnvironmentVariable("CDK_OUTDIR") ?? "cdk.out",
    AnalyticsReporting = false,
});
S3MigrateApp.AddStacks(app);
app.Synth();
