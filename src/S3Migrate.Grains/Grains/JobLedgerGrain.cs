using S3Migrate.Abstractions;

namespace S3Migrate.Grains.Grains;

/// <summary>
/// In memory by design: after a silo loss the ledger starts empty, and the worst case is a duplicate job, which the
/// job grains and the engine absorb (a finished copy is verified again, never corrupted).
/// </summary>
[CollectionAgeLimit(Days = 2)]
public sealed class JobLedgerGrain : Grain, IJobLedgerGrain
{
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<string>> AcquireAsync(IReadOnlyList<string> destinationIds)
    {
        var acquired = new List<string>(destinationIds.Count);
        foreach (var id in destinationIds)
        {
            if (_inFlight.Add(id))
            {
                acquired.Add(id);
            }
        }

        return Task.FromResult<IReadOnlyList<string>>(acquired);
    }

    public Task ReleaseAsync(IReadOnlyList<string> destinationIds)
    {
        foreach (var id in destinationIds)
        {
            _inFlight.Remove(id);
        }

        if (_inFlight.Count == 0)
        {
            DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    public Task<int> CountAsync() => Task.FromResult(_inFlight.Count);

    public Task ClearAsync()
    {
        _inFlight.Clear();
        return Task.CompletedTask;
    }
}
