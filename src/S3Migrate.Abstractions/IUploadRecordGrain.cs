namespace S3Migrate.Abstractions;

/// <summary>
/// The unfinished multipart uploads of one destination object (key: endpoint identity, bucket and key, separated by
/// line feeds) with the plan fingerprint each was started for, kept in grain storage so that whichever silo resumes the
/// object finds them.
/// </summary>
[Alias("s3m.IUploadRecordGrain")]
[Orleans.CodeGeneration.Version(1)]
public interface IUploadRecordGrain : IGrainWithStringKey
{
    [Alias("get")]
    Task<IReadOnlyList<StoredUpload>> GetAsync();

    [Alias("save")]
    Task SaveAsync(StoredUpload upload);

    [Alias("remove")]
    Task RemoveAsync(string uploadId);
}

/// <summary>One unfinished upload and the plan it belongs to.</summary>
[GenerateSerializer, Alias("s3m.storedupload"), Immutable]
public sealed record StoredUpload(
    [property: Id(0)] string UploadId,
    [property: Id(1)] string SourceETag,
    [property: Id(2)] string? SourceVersionId,
    [property: Id(3)] long Size,
    [property: Id(4)] long PartSize,
    [property: Id(5)] string? ChecksumAlgorithm,
    [property: Id(6)] bool CompositeChecksum,
    [property: Id(7)] DateTimeOffset Created);
