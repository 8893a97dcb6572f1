using Amazon;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using S3Migrate.Abstractions;
using S3Migrate.Silo.Configuration;
using S3Migrate.Transfer.Diff;

namespace S3Migrate.Silo.BucketList;

/// <summary>
/// Polls the bucket list (SSM parameter or file) and keeps one migration per route running: a new route starts its
/// migration, a removed one is cancelled, an unchanged one is left alone. Every silo polls; starting the same
/// migration twice is a no-op, so the cluster needs no leader. A list that cannot be read or parsed is reported and
/// the previous one stays in force.
/// </summary>
public sealed partial class BucketListWatcher(
    S3MigrateSettings settings, IGrainFactory grains, TimeProvider time, ILogger<BucketListWatcher> logger) : BackgroundService
{
    private readonly Dictionary<string, MigrationRoute> _running = new(StringComparer.Ordinal);
    private string? _lastText;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var list = settings.Migrations;
        using var ssm = list.ParameterName is null ? null : CreateSsmClient();
        // The original ignore list's patterns are on "bucket/key".
        var lines = list.IgnoreListFile is { } file ? await File.ReadAllLinesAsync(file, stoppingToken) : [];
        var exclude = KeyFilter.FromIgnoreList([.. list.Ignore.Select(static p => p.StartsWith(KeyFilter.BucketPatternScheme, StringComparison.Ordinal) ? p[KeyFilter.BucketPatternScheme.Length..] : p), .. lines]).Exclude;
        using var timer = new PeriodicTimer(list.PollInterval, time);
        do
        {
            try
            {
                await PollAsync(ssm, exclude, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogPollFailed(logger, Origin, e.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private string Origin => settings.Migrations.ParameterName is { } name ? $"SSM parameter '{name}'" : $"file '{settings.Migrations.File}'";

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task PollAsync(AmazonSimpleSystemsManagementClient? ssm, IReadOnlyList<string> exclude, CancellationToken cancellationToken)
    {
        var list = settings.Migrations;
        var text = ssm is not null
            ? (await ssm.GetParameterAsync(new GetParameterRequest { Name = list.ParameterName, WithDecryption = true }, cancellationToken)).Parameter.Value
            : await File.ReadAllTextAsync(list.File!, cancellationToken);
        if (text == _lastText)
        {
            return;
        }

        var routes = BucketListParser.Parse(text, Origin);
        var (defaultSource, defaultDestination) = settings.JobTypeEndpoints();
        var source = list.SourceEndpoint ?? defaultSource;
        var destination = list.DestinationEndpoint ?? defaultDestination;
        var wanted = routes.ToDictionary(r => BucketListParser.MigrationId(r, source, destination), StringComparer.Ordinal);
        foreach (var (id, route) in wanted)
        {
            if (_running.ContainsKey(id))
            {
                continue;
            }

            var spec = new MigrationSpec
            {
                SourceEndpoint = source,
                DestinationEndpoint = destination,
                Routes = [route],
                Description = "bucket list: " + route,
                Options = new MigrationOptions
                {
                    StorageClass = list.StorageClass,
                    Exclude = exclude,
                    ResyncInterval = list.ResyncInterval,
                },
            };
            try
            {
                var status = await grains.GetGrain<IMigrationGrain>(id).StartAsync(spec, cancellationToken);
                _running[id] = route;
                LogStarted(logger, id, route, status.State);
            }
            catch (MigrationRejectedException e)
            {
                // Rejected routes are retried at the next change of the list (or the next start of the silo).
                if (logger.IsEnabled(LogLevel.Error))
                {
                    LogRejected(logger, id, route.ToString(), e.Message.ReplaceLineEndings("; "));
                }
            }
        }

        foreach (var id in _running.Keys.Where(id => !wanted.ContainsKey(id)).ToList())
        {
            _running.Remove(id);
            if (list.CancelRemoved)
            {
                await grains.GetGrain<IMigrationGrain>(id).CancelAsync();
                LogCancelled(logger, id);
            }
        }

        _lastText = text;
    }

    private AmazonSimpleSystemsManagementClient CreateSsmClient()
    {
        var config = new AmazonSimpleSystemsManagementConfig();
        if (settings.Migrations.ParameterServiceUrl is { } url)
        {
            config.ServiceURL = url.ToString();
            config.AuthenticationRegion = settings.Cluster.Region ?? "us-east-1";
        }
        else if (settings.Cluster.Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return new AmazonSimpleSystemsManagementClient(config);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bucket list: migration {MigrationId} for {Route} is {State}")]
    private static partial void LogStarted(ILogger logger, string migrationId, MigrationRoute route, MigrationState state);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bucket list: migration {MigrationId} for {Route} was rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string migrationId, string route, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bucket list: route of migration {MigrationId} was removed; migration cancelled")]
    private static partial void LogCancelled(ILogger logger, string migrationId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bucket list from {Origin} could not be applied (the previous list stays in force): {Reason}")]
    private static partial void LogPollFailed(ILogger logger, string origin, string reason);
}
