using S3Migrate.Abstractions;

namespace S3Migrate.Grains.Grains;

/// <summary>
/// The stored upload fingerprints of one destination object. Only saving writes: a removal (the upload finished or was
/// aborted) changes this activation alone, and the stored record is left to expire (cluster grain storage gives the
/// state a time to live). A record read back after that is harmless, because the resolver uses a record only while
/// the destination still lists its upload.
/// </summary>
[GrainType("s3m.uploads")]
public sealed class UploadRecordGrain([PersistentState(UploadRecordGrain.StateName)] IPersistentState<UploadRecordState> state) : Grain, IUploadRecordGrain
{
    /// <summary>The grain-state name, which cluster storage gives a time to live.</summary>
    public const string StateName = "uploads";

    /// <summary>Records kept per object; one destination key rarely has more than one upload of ours at a time.</summary>
    private const int MaxRecords = 8;

    public Task<IReadOnlyList<StoredUpload>> GetAsync() => Task.FromResult<IReadOnlyList<StoredUpload>>([.. state.State.Uploads]);

    public async Task SaveAsync(StoredUpload upload)
    {
        var uploads = state.State.Uploads;
        uploads.RemoveAll(u => u.UploadId == upload.UploadId);
        uploads.Add(upload);
        if (uploads.Count > MaxRecords)
        {
            uploads.Sort(static (a, b) => a.Created.CompareTo(b.Created));
            uploads.RemoveRange(0, uploads.Count - MaxRecords);
        }

        await state.WriteStateAsync();
    }

    public Task RemoveAsync(string uploadId)
    {
        state.State.Uploads.RemoveAll(u => u.UploadId == uploadId);
        return Task.CompletedTask;
    }
}

[GenerateSerializer, Alias("s3m.uploadrecordstate")]
public sealed class UploadRecordState
{
    [Id(0)]
    public List<StoredUpload> Uploads { get; set; } = [];
}
