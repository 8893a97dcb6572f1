namespace S3Migrate.Transfer.Resume;

/// <summary>
/// Where upload fingerprints live so that a fresh process (after kill -9, a silo loss, a re-run) can tell which
/// unfinished upload belongs to the current plan. A file directory on one machine; grain state in the cluster.
/// </summary>
public interface IUploadStateStore
{
    Task<IReadOnlyList<UploadRecord>> FindAsync(UploadTarget target, CancellationToken cancellationToken);

    Task SaveAsync(UploadRecord record, CancellationToken cancellationToken);

    Task RemoveAsync(UploadTarget target, string uploadId, CancellationToken cancellationToken);
}
