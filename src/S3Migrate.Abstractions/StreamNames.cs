namespace S3Migrate.Abstractions;

/// <summary>The names shared by producers and consumers of the job streams.</summary>
public static class StreamNames
{
    /// <summary>The stream provider's name (memory streams embedded, SQS in the cluster).</summary>
    public const string Provider = "jobs";

    /// <summary>Namespace of per-object jobs; the stream key is the destination "bucket/key".</summary>
    public const string ObjectJobs = "object-jobs";

    /// <summary>Namespace of small-object batches; the stream key is the batch id.</summary>
    public const string Batches = "job-batches";

    /// <summary>
    /// Namespace of groups of large objects (several to one message, so that a message's receive, heartbeat and delete
    /// are shared); the stream key is the group id. Each job still runs in its own object's grain.
    /// </summary>
    public const string ObjectGroups = "object-groups";
}
