using S3Migrate.Abstractions;
using S3Migrate.Transfer.Resume;

namespace S3Migrate.Grains.Jobs;

/// <summary>
/// Upload fingerprints in grain storage (DynamoDB in cluster mode): an object interrupted on one silo resumes from its
/// uploaded parts on any other.
/// </summary>
public sealed class GrainUploadStateStore(IGrainFactory grains) : IUploadStateStore
{
    public async Task<IReadOnlyList<UploadRecord>> FindAsync(UploadTarget target, CancellationToken cancellationToken)
    {
        var stored = await Grain(target).GetAsync().WaitAsync(cancellationToken);
        return [.. stored.Select(u => new UploadRecord(
            target, u.UploadId, new UploadFingerprint(u.SourceETag, u.SourceVersionId, u.Size, u.PartSize, u.ChecksumAlgorithm, u.CompositeChecksum), u.Created))];
    }

    public Task SaveAsync(UploadRecord record, CancellationToken cancellationToken)
    {
        var f = record.Fingerprint;
        return Grain(record.Target)
            .SaveAsync(new StoredUpload(record.UploadId, f.SourceETag, f.SourceVersionId, f.Size, f.PartSize, f.ChecksumAlgorithm, f.CompositeChecksum, record.Created))
            .WaitAsync(cancellationToken);
    }

    public Task RemoveAsync(UploadTarget target, string uploadId, CancellationToken cancellationToken) =>
        Grain(target).RemoveAsync(uploadId).WaitAsync(cancellationToken);

    private IUploadRecordGrain Grain(UploadTarget target) =>
        grains.GetGrain<IUploadRecordGrain>(string.Join('\n', target.Service, target.Bucket, target.Key));
}
