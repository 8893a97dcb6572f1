using S3Migrate.Abstractions;
using S3Migrate.Transfer.Diff;

namespace S3Migrate.Grains.Jobs;

/// <summary>
/// The migrations that take jobs from outside their own diff (S3 event notifications, job messages written by other
/// systems), with their routes: every migration that is not cancelled or failed — a completed one keeps following its
/// source. Refreshed from the migration directory every few seconds, and sooner when a lookup misses.
/// </summary>
public sealed class MigrationRoutes(IGrainFactory grains, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private Snapshot _snapshot = new(DateTimeOffset.MinValue, new Dictionary<string, MigrationSpec>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));

    /// <summary>The spec of a known migration (in any state; the runner lets a cancelled one's jobs go), or null.</summary>
    public async ValueTask<MigrationSpec?> SpecAsync(string migrationId, CancellationToken cancellationToken)
    {
        var snapshot = await CurrentAsync(refreshOnMiss: false, cancellationToken);
        if (snapshot.Specs.TryGetValue(migrationId, out var spec))
        {
            return spec;
        }

        snapshot = await CurrentAsync(refreshOnMiss: true, cancellationToken);
        return snapshot.Specs.GetValueOrDefault(migrationId);
    }

    /// <summary>Every (migration, route, destination key) whose route covers the source object and whose filters select it.</summary>
    public async ValueTask<IReadOnlyList<RoutedObject>> RouteAsync(string sourceBucket, string sourceKey, CancellationToken cancellationToken)
    {
        var routed = Route(await CurrentAsync(refreshOnMiss: false, cancellationToken), sourceBucket, sourceKey);
        return routed.Count > 0 ? routed : Route(await CurrentAsync(refreshOnMiss: true, cancellationToken), sourceBucket, sourceKey);
    }

    public void Dispose() => _refreshing.Dispose();

    /// <summary>Where the source object goes under one migration's spec (none when no route covers it or a filter leaves it out).</summary>
    public static IEnumerable<(MigrationRoute Route, string DestinationKey)> Map(MigrationSpec spec, string sourceBucket, string sourceKey)
    {
        var filter = new KeyFilter(spec.Options.Include, spec.Options.Exclude);
        foreach (var route in spec.Routes)
        {
            if (route.SourceBucket == sourceBucket && sourceKey.StartsWith(route.SourcePrefix, StringComparison.Ordinal) &&
                filter.Selects(sourceBucket, sourceKey, route.SourcePrefix.Length))
            {
                yield return (route, new KeyMapping(route.SourcePrefix, route.DestinationPrefix).Map(sourceKey));
            }
        }
    }

    private static List<RoutedObject> Route(Snapshot snapshot, string sourceBucket, string sourceKey)
    {
        var routed = new List<RoutedObject>();
        foreach (var (id, spec) in snapshot.Specs)
        {
            if (!snapshot.Following.Contains(id))
            {
                continue;
            }

            foreach (var (route, destinationKey) in Map(spec, sourceBucket, sourceKey))
            {
                routed.Add(new RoutedObject(id, spec, route, destinationKey));
            }
        }

        return routed;
    }

    private async ValueTask<Snapshot> CurrentAsync(bool refreshOnMiss, CancellationToken cancellationToken)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        var age = time.GetUtcNow() - snapshot.At;
        if (age < MaxAge && (!refreshOnMiss || age < MinRefreshInterval))
        {
            return snapshot;
        }

        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            if (!ReferenceEquals(snapshot, Volatile.Read(ref _snapshot)))
            {
                return Volatile.Read(ref _snapshot);
            }

            var specs = new Dictionary<string, MigrationSpec>(StringComparer.Ordinal);
            var following = new HashSet<string>(StringComparer.Ordinal);
            foreach (var id in await grains.GetGrain<IMigrationDirectoryGrain>(0).ListAsync())
            {
                var status = await grains.GetGrain<IMigrationGrain>(id).GetStatusAsync();
                if (status.Spec is { } spec)
                {
                    specs[id] = spec;
                    if (status.State is not (MigrationState.Cancelled or MigrationState.Failed))
                    {
                        following.Add(id);
                    }
                }
            }

            var refreshed = new Snapshot(time.GetUtcNow(), specs, following);
            Volatile.Write(ref _snapshot, refreshed);
            return refreshed;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private sealed record Snapshot(DateTimeOffset At, IReadOnlyDictionary<string, MigrationSpec> Specs, IReadOnlySet<string> Following);
}

/// <summary>A source object under one migration: where it goes.</summary>
public sealed record RoutedObject(string MigrationId, MigrationSpec Spec, MigrationRoute Route, string DestinationKey);
