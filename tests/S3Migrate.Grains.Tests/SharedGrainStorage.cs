using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace S3Migrate.Grains.Tests;

/// <summary>What the silos of one test cluster store, shared by all of them, and the writes per grain type.</summary>
public sealed class SharedStore
{
    public ConcurrentDictionary<string, (byte[] Data, string ETag)> Records { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, int> WritesByGrainType { get; } = new(StringComparer.Ordinal);

    public int Writes => WritesByGrainType.Values.Sum();
}

/// <summary>
/// Grain state that outlives any silo of an in-process test cluster, as DynamoDB does for a real one: one store shared
/// by every silo, states kept serialized, writes checked against the etag like a conditional put.
/// </summary>
public sealed class SharedGrainStorage(SharedStore store, Serializer serializer) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (store.Records.TryGetValue(Key(stateName, grainId), out var record))
        {
            grainState.State = serializer.Deserialize<T>(record.Data);
            grainState.ETag = record.ETag;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var etag = Guid.NewGuid().ToString("N");
        var data = serializer.SerializeToArray(grainState.State);
        var updated = store.Records.AddOrUpdate(
            Key(stateName, grainId),
            _ => grainState.ETag is null ? (data, etag) : throw Conflict(grainState.ETag, null),
            (_, existing) => existing.ETag == grainState.ETag ? (data, etag) : throw Conflict(grainState.ETag, existing.ETag));
        grainState.ETag = updated.ETag;
        grainState.RecordExists = true;
        store.WritesByGrainType.AddOrUpdate(grainId.Type.ToString()!, 1, static (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        store.Records.TryRemove(Key(stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private static string Key(string stateName, GrainId grainId) => stateName + "\n" + grainId;

    private static InconsistentStateException Conflict(string? received, string? stored) =>
        new($"etag mismatch: stored {stored ?? "(none)"}, received {received ?? "(none)"}", stored ?? string.Empty, received ?? string.Empty);
}
