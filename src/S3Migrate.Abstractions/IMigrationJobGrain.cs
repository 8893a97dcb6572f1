namespace S3Migrate.Abstractions;

/// <summary>
/// One destination object (key: "bucket/key"), fed by the jobs stream: persists its plan, copies in the background on
/// the silo's scheduler, absorbs duplicates and acknowledges its job only when the object reached a terminal state.
/// </summary>
[Alias("s3m.IMigrationJobGrain")]
[Orleans.CodeGeneration.Version(1)]
public interface IMigrationJobGrain : IGrainWithStringKey
{
    [AlwaysInterleave]
    [Alias("status")]
    Task<ObjectStatus> GetStatusAsync();

    [AlwaysInterleave]
    [Alias("cancel")]
    Task CancelAsync();
}
