using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using S3Migrate.Abstractions;
using S3Migrate.Grains.Scheduling;
using S3Migrate.Cli.Console;
using S3Migrate.Silo.Configuration;
using S3Migrate.Silo.Hosting;

namespace S3Migrate.Cli.Commands;

/// <summary>
/// <c>s3migrate copy SRC DST</c>: runs the migration on this machine in an embedded silo (the same grains and engine
/// as the cluster), shows progress, and ends with a verified summary. Run again after an interruption, it resumes:
/// the diff skips what is already there and large objects continue from their uploaded parts.
/// </summary>
internal sealed class CopyCommand
{
    private readonly EndpointOptions _endpoints = new();
    private readonly MigrationOptionsGroup _migration = new();
    private readonly TransferOptionsGroup _transfer = new();
    private readonly Option<bool> _json = new("--json") { Description = "Print the result as JSON (no progress display)" };
    private readonly Option<bool> _noProgress = new("--no-progress") { Description = "Print a progress line every few seconds instead of live bars" };
    private readonly Option<bool> _verbose = new("--verbose") { Description = "Log what the silo does to stderr" };

    public Command Build()
    {
        var command = Help.Create("copy", "Copy SRC to DST on this machine (embedded silo), with live progress, verifying every object", """
            Exit codes: 0 all verified, 2 some objects failed (listed with reasons), 1 could not run, 130 interrupted
            (run the same command again to resume).

            Examples:
              s3migrate copy s3://src-bucket/data/ s3://dst-bucket/data/ --from us-east-1 --to cn-north-1 --to-credentials profile:china
              s3migrate copy s3://src/logs/ s3://dst/ --from global --to china --config s3migrate.json --exclude '*.tmp'
              s3migrate copy --bucket-list buckets.json --from local --to remote
            """);
        _migration.AddTo(command);
        _endpoints.AddTo(command);
        _transfer.AddTo(command);
        command.Options.Add(_json);
        command.Options.Add(_noProgress);
        command.Options.Add(_verbose);
        command.SetAction(RunAsync);
        return command;
    }

    private async Task<int> RunAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var routes = _migration.Routes(result);
        var migrationOptions = _migration.Options(result);
        var settings = _endpoints.LoadSettings(result);
        var (source, destination) = _endpoints.Resolve(result, settings);
        var spec = new MigrationSpec
        {
            SourceEndpoint = source,
            DestinationEndpoint = destination,
            Routes = routes,
            Options = migrationOptions,
        };
        settings.Mode = SiloMode.Embedded;
        settings.Transfer = _transfer.Apply(result, settings.Transfer);
        settings.Migrations = new BucketListSettings();
        settings.JobType = null;
        settings.ShutdownDrainSeconds = 10;
        settings.Embedded = new EmbeddedSettings { SiloPort = FreePort(), GatewayPort = FreePort(), ClusterId = "s3migrate-copy", ServiceId = "s3migrate-copy" };
        if (settings.Validate() is { Count: > 0 } problems)
        {
            throw new UsageException(string.Join(Environment.NewLine, problems));
        }

        var json = result.GetValue(_json);
        var mode = ProgressView.ModeFor(json, result.GetValue(_noProgress));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (result.GetValue(_verbose))
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true)
                .AddFilter("Orleans", LogLevel.Warning)
                .AddFilter("Polly", LogLevel.Warning)
                .AddFilter("Microsoft.Hosting", LogLevel.Warning)
                .SetMinimumLevel(LogLevel.Information);
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        builder.AddS3MigrateSilo(settings);
        var host = builder.Build();
        using var interrupt = new Interrupt();
        var stopped = false;
        try
        {
            await host.StartAsync(cancellationToken);

            // Ctrl+C stops new parts at once; the parts in flight finish while the silo stops.
            var scheduler = host.Services.GetRequiredService<TransferScheduler>();
            using var draining = interrupt.Token.Register(scheduler.BeginDrain);
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var id = "copy-" + DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            var migration = grains.GetGrain<IMigrationGrain>(id);
            if (mode == ProgressMode.Live)
            {
                // On a terminal, something to look at while the endpoints are checked; in logs and scripts (--no-progress,
                // --json) a problem found here is the only line.
                System.Console.Error.WriteLine($"s3migrate: checking {settings.Endpoints[source].ServiceUrl?.ToString() ?? source} and {settings.Endpoints[destination].ServiceUrl?.ToString() ?? destination}…");
            }

            try
            {
                await migration.StartAsync(spec, interrupt.Token);
            }
            catch (MigrationRejectedException e)
            {
                throw new UsageException(e.Message, e);
            }
            catch (OperationCanceledException) when (interrupt.Requested)
            {
                System.Console.Error.WriteLine("s3migrate: interrupted while checking the endpoints; nothing was copied");
                return ExitCodes.Interrupted;
            }

            var status = await ProgressView.FollowAsync(() => migration.GetStatusAsync(), mode, interrupt.Token);
            if (!status.State.IsFinished())
            {
                // Stopping the silo lets the parts in flight finish (its drain) and leaves everything else resumable.
                await StopAsync(host, settings.ShutdownDrainSeconds);
                stopped = true;
                System.Console.Error.WriteLine(
                    $"s3migrate: interrupted after {status.Counters.ObjectsDone:N0} objects; run the same command again to resume (uploaded parts are kept)");
                return ExitCodes.Interrupted;
            }

            var failures = await FailuresAsync(migration, status);
            var exitCode = Report.ExitCode(status);
            if (json)
            {
                Report.WriteJson(status, failures, exitCode);
            }
            else
            {
                Report.WriteSummary(status, failures);
            }

            return exitCode;
        }
        finally
        {
            if (!stopped)
            {
                await StopAsync(host, settings.ShutdownDrainSeconds);
            }

            await DisposeAsync(host);
        }
    }

    /// <summary>
    /// Stops the embedded silo: its drain lets the parts in flight finish, then the silo gets a few seconds more to stop
    /// in order. Its state lives in memory and ends with the process anyway; what resume needs (the upload records and
    /// the parts at the destination) is already saved, so a silo that takes longer is stopped at once.
    /// </summary>
    private static async Task StopAsync(IHost host, int drainSeconds)
    {
        await host.Services.GetRequiredService<TransferScheduler>().DrainAsync(TimeSpan.FromSeconds(drainSeconds), TimeProvider.System, CancellationToken.None);
        using var timeout = new CancellationTokenSource(StopGrace);
        await host.StopAsync(timeout.Token);
    }

    /// <summary>
    /// Disposes the stopped silo asynchronously (its synchronous Dispose can block on work it waits for), and at most
    /// for a few seconds: everything worth keeping was saved when it stopped, and the process ends next.
    /// </summary>
    private static async Task DisposeAsync(IHost host)
    {
        var disposal = host is IAsyncDisposable asynchronous ? asynchronous.DisposeAsync().AsTask() : Task.Run(host.Dispose);
        await Task.WhenAny(disposal, Task.Delay(DisposeTimeout));
    }

    private static readonly TimeSpan DisposeTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(3);

    /// <summary>All recorded failures, page by page.</summary>
    public static async Task<IReadOnlyList<ObjectFailure>> FailuresAsync(IMigrationGrain migration, MigrationStatus status)
    {
        var failures = new List<ObjectFailure>();
        if (status.Counters.ObjectsFailed == 0)
        {
            return failures;
        }

        while (true)
        {
            var page = await migration.GetFailuresAsync(failures.Count, 1000);
            failures.AddRange(page.Failures);
            if (page.Failures.Count == 0 || failures.Count >= S3Migrate.Grains.Grains.MigrationGrain.MaxFailuresKept)
            {
                return failures;
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
