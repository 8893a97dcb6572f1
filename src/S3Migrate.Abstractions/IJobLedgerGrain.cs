namespace S3Migrate.Abstractions;

/// <summary>
/// The destination objects of one migration (key: migration id) that have a job queued or running. Diffs publish only
/// what they can acquire here, so a re-diff while jobs are in flight adds no duplicate work; and they pause while the
/// ledger is full, which bounds the queue.
/// </summary>
[Alias("s3m.IJobLedgerGrain")]
[Orleans.CodeGeneration.Version(1)]
public interface IJobLedgerGrain : IGrainWithStringKey
{
    /// <summary>Marks the objects as in flight; returns those that were not already.</summary>
    [Alias("acquire")]
    Task<IReadOnlyList<string>> AcquireAsync(IReadOnlyList<string> destinationIds);

    [Alias("release")]
    Task ReleaseAsync(IReadOnlyList<string> destinationIds);

    [AlwaysInterleave]
    [Alias("count")]
    Task<int> CountAsync();

    [Alias("clear")]
    Task ClearAsync();
}
