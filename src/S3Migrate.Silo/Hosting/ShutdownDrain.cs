using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using S3Migrate.Grains.Scheduling;
using S3Migrate.Silo.Configuration;

namespace S3Migrate.Silo.Hosting;

/// <summary>
/// Graceful shutdown, first of all stops: no new object or part starts, parts in flight get up to
/// ShutdownDrainSeconds to finish, then the silo stops and interrupts the rest. Every interrupted object resumes
/// from its uploaded parts when its job comes back.
/// </summary>
public sealed partial class ShutdownDrain(TransferScheduler scheduler, S3MigrateSettings settings, TimeProvider time, ILogger<ShutdownDrain> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        LogDraining(logger, scheduler.ObjectsRunning, scheduler.BytesBuffered);
        try
        {
            await scheduler.DrainAsync(TimeSpan.FromSeconds(settings.ShutdownDrainSeconds), time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        var elapsed = time.GetElapsedTime(started);
        LogDrained(logger, elapsed.TotalSeconds, scheduler.BytesBuffered);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: {Objects} objects in flight, {Bytes} bytes of parts buffered; letting parts in flight finish")]
    private static partial void LogDraining(ILogger logger, int objects, long bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained in {Seconds:F1} s ({Bytes} bytes still buffered); the rest resumes on the next run")]
    private static partial void LogDrained(ILogger logger, double seconds, long bytes);
}
