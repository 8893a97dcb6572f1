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

    /// <summary>
    /// A job handed over by a group (<see cref="IObjectJobGroupGrain"/>): started, queued behind the running one, or
    /// absorbed like a stream delivery; the group hears when the object reached a terminal state or was interrupted.
    /// </summary>
    [Alias("offer")]
    Task OfferAsync(ObjectJob job, string groupId);
}

/// <summary>
/// One message's group of large-object jobs (key: group id), fed by the jobs stream: hands each job to its object's
/// grain and acknowledges the message once every one of them reached a terminal state.
/// </summary>
[Alias("s3m.IObjectJobGroupGrain")]
[Orleans.CodeGeneration.Version(1)]
public interface IObjectJobGroupGrain : IGrainWithStringKey
{
    /// <summary>An object of the group is done (<paramref name="interrupted"/>: it should run again).</summary>
    [OneWay]
    [AlwaysInterleave]
    [Alias("completed")]
    Task CompletedAsync(string destinationId, bool interrupted);
}
