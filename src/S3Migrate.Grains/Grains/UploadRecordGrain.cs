using S3Migrate.Abstractions;

namespace S3Migrate.Grains.Grains;

/// <summary>The stored upload fingerprints of one destination object; the state is cleared when none is left.</summary>
[GrainType("s3m.uploads")]
public sealed class UploadRecordGrain([PersistentState("uploads")] IPersistentState<UploadRecordState> state) : Grain, IUploadRecordGrain
{
    public Task<IReadOnlyList<StoredUpload>> GetAsync() => Task.FromResult<IReadOnlyList<StoredUpload>>([.. state.State.Uploads]);

    public async Task SaveAsync(StoredUpload upload)
    {
        state.State.Uploads.RemoveAll(u => u.UploadId == upload.UploadId);
        state.State.Uploads.Add(upload);
        await state.WriteStateAsync();
    }

    public async Task RemoveAsync(string uploadId)
    {
        if (state.State.Uploads.RemoveAll(u => u.UploadId == uploadId) == 0)
        {
            return;
        }

        if (state.State.Uploads.Count == 0)
        {
            await state.ClearStateAsync();
            DeactivateOnIdle();
        }
        else
        {
            await state.WriteStateAsync();
        }
    }
}

[GenerateSerializer, Alias("s3m.uploadrecordstate")]
public sealed class UploadRecordState
{
    [Id(0)]
    public List<StoredUpload> Uploads { get; set; } = [];
}
