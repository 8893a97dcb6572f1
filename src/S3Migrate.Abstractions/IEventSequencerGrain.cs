namespace S3Migrate.Abstractions;

/// <summary>
/// The newest S3 event sequencer applied to one destination object (key: "bucket/key"), kept in grain storage so an
/// event delivered late — after a newer one for the same key — never undoes it.
/// </summary>
[Alias("s3m.IEventSequencerGrain")]
[Orleans.CodeGeneration.Version(1)]
public interface IEventSequencerGrain : IGrainWithStringKey
{
    /// <summary>Records <paramref name="sequencer"/> and returns true, unless a newer (or the same) one was applied already.</summary>
    [Alias("apply")]
    Task<bool> TryApplyAsync(string sequencer);
}
