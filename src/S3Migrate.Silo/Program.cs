using Orleans.Dashboard;
using OpenTelemetry.Metrics;
using S3Migrate.Grains.Diagnostics;
using S3Migrate.Silo.Configuration;
using S3Migrate.Silo.Hosting;

// The silo program. Settings: appsettings.json, S3Migrate__* environment variables, command-line --S3Migrate:Key=value.
// With S3Migrate:Metrics:PrometheusPort set, it serves /metrics and /health on that port (and, with
// S3Migrate:Metrics:Dashboard, the Orleans Dashboard at /dashboard); otherwise no HTTP at all.
var probe = Host.CreateApplicationBuilder(args);
S3MigrateSettings settings;
try
{
    settings = SiloHosting.ReadSettings(probe.Configuration);
}
catch (SettingsException e)
{
    foreach (var problem in e.Problems)
    {
        Console.Error.WriteLine("s3migrate-silo: " + problem);
    }

    return 1;
}

try
{
    var port = settings.Metrics.PrometheusPort ?? 0;
    if (port == 0)
    {
        probe.AddS3MigrateSilo(settings);
        await probe.Build().RunAsync();
        return 0;
    }

    var builder = WebApplication.CreateBuilder(args);
    builder.AddS3MigrateSilo(settings, silo =>
    {
        if (settings.Metrics.Dashboard)
        {
            silo.AddDashboard();
        }
    });
    builder.Services.AddHealthChecks().AddCheck<SiloHealthCheck>("silo");
    builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(TransferMetrics.MeterName).AddPrometheusExporter());
    builder.WebHost.UseUrls($"http://{settings.Metrics.ListenAddress}:{port}");
    var app = builder.Build();
    app.MapPrometheusScrapingEndpoint();
    app.MapHealthChecks("/health");
    if (settings.Metrics.Dashboard)
    {
        app.MapOrleansDashboard("/dashboard");
    }

    await app.RunAsync();
    return 0;
}
catch (SettingsException e)
{
    Console.Error.WriteLine("s3migrate-silo: " + e.Message);
    return 1;
}
