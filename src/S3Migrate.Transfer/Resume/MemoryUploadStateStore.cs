using System.Collections.Concurrent;

namespace S3Migrate.Transfer.Resume;

/// <summary>Fingerprints kept for the life of the process only (tests, and callers that persist them elsewhere).</summary>
public sealed class MemoryUploadStateStore : IUploadStateStore
{
    private readonly ConcurrentDictionary<UploadTarget, ImmutableRecords> _records = new();

    public Task<IReadOnlyList<UploadRecord>> FindAsync(UploadTarget target, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<UploadRecord>>(_records.TryGetValue(target, out var found) ? found.Items : []);

    public Task SaveAsync(UploadRecord record, CancellationToken cancellationToken)
    {
        _records.AddOrUpdate(record.Target, _ => new([record]), (_, existing) => new([.. existing.Items.Where(r => r.UploadId != record.UploadId), record]));
        return Task.CompletedTask;
    }

    public Task RemoveAsync(UploadTarget target, string uploadId, CancellationToken cancellationToken)
    {
        _records.AddOrUpdate(target, _ => new([]), (_, existing) => new([.. existing.Items.Where(r => r.UploadId != uploadId)]));
        return Task.CompletedTask;
    }

    private sealed record ImmutableRecords(IReadOnlyList<UploadRecord> Items);
}
