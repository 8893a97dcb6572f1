using System.Diagnostics.Metrics;
using S3Migrate.Abstractions;
using S3Migrate.Grains.Scheduling;

namespace S3Migrate.Grains.Diagnostics;

/// <summary>
/// The silo's transfer metrics (meter "S3Migrate"). Exported to Prometheus as s3migrate_bytes_transferred_total,
/// s3migrate_objects_completed_total{outcome}, s3migrate_parts_transferred_total, s3migrate_retries_total,
/// s3migrate_objects_in_flight and s3migrate_bytes_buffered; dashboards and alarms rely on these names.
/// </summary>
public sealed class TransferMetrics : IDisposable
{
    public const string MeterName = "S3Migrate";

    private readonly Meter _meter;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _objects;
    private readonly Counter<long> _parts;
    private readonly Counter<long> _retries;

    public TransferMetrics(IMeterFactory meters, TransferScheduler scheduler)
    {
        _meter = meters.Create(MeterName);
        _bytes = _meter.CreateCounter<long>("s3migrate.bytes_transferred", description: "Bytes sent to destinations (reused parts excluded)");
        _objects = _meter.CreateCounter<long>("s3migrate.objects_completed", description: "Objects that reached an outcome, by outcome");
        _parts = _meter.CreateCounter<long>("s3migrate.parts_transferred", description: "Parts (or single-part objects) uploaded");
        _retries = _meter.CreateCounter<long>("s3migrate.retries", description: "Requests retried after a transient failure, by kind");
        _meter.CreateObservableGauge("s3migrate.objects_in_flight", () => scheduler.ObjectsRunning, description: "Objects copying on this silo");
        _meter.CreateObservableGauge("s3migrate.objects_waiting", () => scheduler.ObjectsWaiting, description: "Objects waiting for a slot on this silo");
        _meter.CreateObservableGauge("s3migrate.bytes_buffered", () => scheduler.BytesBuffered, description: "Part buffer bytes held on this silo");
    }

    public void Record(ObjectOutcome outcome)
    {
        if (outcome.BytesTransferred > 0)
        {
            _bytes.Add(outcome.BytesTransferred);
        }

        if (outcome.PartsUploaded > 0)
        {
            _parts.Add(outcome.PartsUploaded);
        }

        _objects.Add(1, new KeyValuePair<string, object?>("outcome", outcome.Kind.ToString().ToLowerInvariant()));
    }

    public void Retried(string operation, string kind) =>
        _retries.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("kind", kind));

    public void Dispose() => _meter.Dispose();
}
