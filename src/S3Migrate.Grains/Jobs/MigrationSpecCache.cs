using System.Collections.Concurrent;
using S3Migrate.Abstractions;

namespace S3Migrate.Grains.Jobs;

/// <summary>
/// Each migration's spec, fetched once per silo from its grain: jobs carry only the migration id, and no job ever
/// calls the migration grain itself.
/// </summary>
public sealed class MigrationSpecCache(IGrainFactory grains)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<MigrationSpec>>> _specs = new(StringComparer.Ordinal);

    public async Task<MigrationSpec> GetAsync(string migrationId)
    {
        var lazy = _specs.GetOrAdd(migrationId, id => new Lazy<Task<MigrationSpec>>(() => FetchAsync(id)));
        try
        {
            return await lazy.Value;
        }
        catch
        {
            _specs.TryRemove(new KeyValuePair<string, Lazy<Task<MigrationSpec>>>(migrationId, lazy));
            throw;
        }
    }

    /// <summary>Seeds the cache (the silo that starts a migration already has its spec).</summary>
    public void Put(string migrationId, MigrationSpec spec) => _specs[migrationId] = new Lazy<Task<MigrationSpec>>(Task.FromResult(spec));

    private async Task<MigrationSpec> FetchAsync(string migrationId)
    {
        var status = await grains.GetGrain<IMigrationGrain>(migrationId).GetStatusAsync();
        return status.Spec ?? throw new InvalidOperationException($"migration {migrationId} does not exist");
    }
}
