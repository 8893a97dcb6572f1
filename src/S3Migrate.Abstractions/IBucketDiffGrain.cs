namespace S3Migrate.Abstractions;

/// <summary>Lists source and destination of one route (or key range) in key order and publishes the jobs.</summary>
[Alias("s3m.IBucketDiffGrain")]
[Orleans.CodeGeneration.Version(1)]
public interface IBucketDiffGrain : IGrainWithStringKey
{
    /// <summary>Starts (or resumes from its checkpoint) in the background and returns at once.</summary>
    [Alias("start")]
    Task StartAsync(DiffAssignment assignment);

    /// <summary>Goes on from its checkpoint if it was started and has not finished (its silo may have been lost); else nothing.</summary>
    [Alias("resume")]
    Task ResumeAsync();

    [AlwaysInterleave]
    [Alias("cancel")]
    Task CancelAsync();
}
