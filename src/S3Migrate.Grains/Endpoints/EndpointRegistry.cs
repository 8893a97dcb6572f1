using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using S3Migrate.Grains.Diagnostics;
using S3Migrate.Grains.Options;
using S3Migrate.Grains.Scheduling;
using S3Migrate.Transfer.Copy;
using S3Migrate.Transfer.Endpoints;
using S3Migrate.Transfer.Resume;

namespace S3Migrate.Grains.Endpoints;

/// <summary>
/// The S3 endpoints this silo knows by name (configured at start, credentials included), one client each, and one
/// copier per source/destination pair. Migrations name endpoints; secrets never travel in grain calls or state.
/// </summary>
public sealed class EndpointRegistry : IDisposable
{
    private readonly Dictionary<string, S3EndpointOptions> _options;
    private readonly ConcurrentDictionary<string, Lazy<S3Endpoint>> _endpoints = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, string), ObjectCopier> _copiers = new();
    private readonly MigrationEngineOptions _engine;
    private readonly TransferScheduler _scheduler;
    private readonly IUploadStateStore _uploads;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly TransferMetrics? _metrics;

    public EndpointRegistry(
        IEnumerable<S3EndpointOptions> endpoints, MigrationEngineOptions engine, TransferScheduler scheduler, IUploadStateStore uploads,
        ILoggerFactory loggers, TimeProvider time, TransferMetrics? metrics = null)
    {
        _metrics = metrics;
        _options = endpoints.ToDictionary(static e => e.Name, StringComparer.Ordinal);
        _engine = engine;
        _scheduler = scheduler;
        _uploads = uploads;
        _loggers = loggers;
        _time = time;
    }

    public IReadOnlyCollection<string> Names => _options.Keys;

    public bool Knows(string name) => _options.ContainsKey(name);

    public S3Endpoint Get(string name)
    {
        if (!_options.TryGetValue(name, out var options))
        {
            throw new KeyNotFoundException($"no endpoint is named '{name}' on this silo (known: {string.Join(", ", _options.Keys)})");
        }

        // Enough connections for every part and small object in flight, plus listings.
        var connections = (_engine.MaxParallelFile * _engine.MaxThread) + 16;
        return _endpoints.GetOrAdd(name, _ => new Lazy<S3Endpoint>(() => S3Endpoint.Create(options, connections, _time))).Value;
    }

    public ObjectCopier Copier(string source, string destination) =>
        _copiers.GetOrAdd((source, destination), key =>
        {
            var copier = new ObjectCopier(
                Get(key.Item1), Get(key.Item2), _engine.ToTransferOptions(), _uploads, _scheduler, _loggers.CreateLogger<ObjectCopier>(), _time);
            if (_metrics is { } metrics)
            {
                copier.Retries.Retrying += (operation, kind) => metrics.Retried(operation, kind.ToString());
            }

            return copier;
        });

    public void Dispose()
    {
        foreach (var endpoint in _endpoints.Values.Where(static l => l.IsValueCreated))
        {
            endpoint.Value.Dispose();
        }
    }
}
