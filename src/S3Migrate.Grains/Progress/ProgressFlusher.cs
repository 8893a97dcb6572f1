using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using S3Migrate.Abstractions;
using S3Migrate.Grains.Scheduling;

namespace S3Migrate.Grains.Progress;

/// <summary>Sends this silo's aggregated progress to each migration grain about once a second.</summary>
public sealed partial class ProgressFlusher(
    ProgressAggregator aggregator, TransferScheduler scheduler, IGrainFactory grains, ILocalSiloDetails silo, TimeProvider time,
    ILogger<ProgressFlusher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Whatever finished during shutdown still gets reported.
        await FlushAsync(CancellationToken.None);
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var report in aggregator.Drain())
        {
            var id = report.MigrationId;
            var inFlight = scheduler.InFlight.Where(i => i.MigrationId == id)
                .Select(static i => new InFlightObject(i.DestinationId, i.Size, i.BytesDone)).ToList();
            var released = false;
            try
            {
                if (report.Released.Count > 0)
                {
                    await grains.GetGrain<IJobLedgerGrain>(id).ReleaseAsync(report.Released);
                }

                released = true;
                var state = await grains.GetGrain<IMigrationGrain>(id)
                    .ReportProgressAsync(new ProgressReport(silo.Name, report.Delta, report.Failures) { InFlight = inFlight, Active = report.Active });
                aggregator.Apply(id, state);
            }
            catch (Exception e) when (e is TimeoutException or OrleansException or SiloUnavailableException)
            {
                aggregator.Restore(released ? report with { Released = [] } : report);
                LogReportFailed(logger, id, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Progress of migration {MigrationId} could not be reported (kept for the next report): {Reason}")]
    private static partial void LogReportFailed(ILogger logger, string migrationId, string reason);
}
