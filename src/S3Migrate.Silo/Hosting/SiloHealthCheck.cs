using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;
using S3Migrate.Grains.Scheduling;

namespace S3Migrate.Silo.Hosting;

/// <summary>Healthy while the silo is an active cluster member and not draining for shutdown.</summary>
public sealed class SiloHealthCheck(ISiloStatusOracle oracle, TransferScheduler scheduler) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = oracle.CurrentStatus;
        var data = new Dictionary<string, object>
        {
            ["silo"] = status.ToString(),
            ["objectsRunning"] = scheduler.ObjectsRunning,
            ["objectsWaiting"] = scheduler.ObjectsWaiting,
            ["bytesBuffered"] = scheduler.BytesBuffered,
        };
        return Task.FromResult(status != SiloStatus.Active
            ? HealthCheckResult.Unhealthy($"silo is {status}", data: data)
            : scheduler.Draining
                ? HealthCheckResult.Degraded("draining for shutdown", data: data)
                : HealthCheckResult.Healthy("active", data));
    }
}
