using S3Migrate.Abstractions;
using S3Migrate.Transfer.Copy;
using S3Migrate.Transfer.Planning;
using S3Migrate.Transfer.Retry;

namespace S3Migrate.Grains.Options;

/// <summary>
/// The silo's transfer settings (section S3Migrate:Transfer). Names follow the original tool where it had one
/// (MaxParallelFile, MaxThread, ResumableThreshold, MaxRetry, JobTimeout).
/// </summary>
public sealed record MigrationEngineOptions
{
    public const string Section = "S3Migrate:Transfer";

    /// <summary>Objects copied at once on this silo.</summary>
    public int MaxParallelFile { get; init; } = 8;

    /// <summary>Parts in flight per object.</summary>
    public int MaxThread { get; init; } = 8;

    /// <summary>Bytes of part buffers the silo may hold at once (its memory budget), default 512 MiB.</summary>
    public long MemoryBudgetBytes { get; init; } = 512 * PartSizing.MiB;

    /// <summary>Objects up to this size take the single-PUT path and travel in batches.</summary>
    public long ResumableThreshold { get; init; } = 16 * PartSizing.MiB;

    public long PartSize { get; init; } = 16 * PartSizing.MiB;

    /// <summary>S3's part minimum; only an S3-compatible test store would allow less.</summary>
    public long MinimumPartSize { get; init; } = PartSizing.S3MinimumPartSize;

    public int MaxRetry { get; init; } = 10;

    /// <summary>
    /// Also take the MD5 of streamed parts that carry a checksum trailer (see <see cref="TransferOptions.Md5WithChecksumTrailer"/>):
    /// for S3-compatible destinations that ignore trailing checksums.
    /// </summary>
    public bool Md5WithChecksumTrailer { get; init; }

    /// <summary>How long one object may take (the original tool's JobTimeout), in seconds.</summary>
    public int JobTimeoutSeconds { get; init; } = 12 * 3600;

    /// <summary>Small objects per stream message (one batch).</summary>
    public int SmallObjectBatchSize { get; init; } = 200;

    /// <summary>
    /// Large objects per stream message (a group): they share the message's receive, heartbeats and delete, and run
    /// on the silo that received it. A silo asks for one message per this many free object slots.
    /// </summary>
    public int LargeObjectsPerMessage { get; init; } = 4;

    /// <summary>A migration stops publishing jobs while this many are queued or running (flow control for its diffs).</summary>
    public int MaxQueuedJobs { get; init; } = 20_000;

    /// <summary>
    /// A migration whose published jobs show no activity anywhere for this long counts them as lost (their silo
    /// stopped) and runs a reconciliation diff, which finds and re-queues them; a diff that stopped reporting is resumed.
    /// </summary>
    public int StallTimeoutSeconds { get; init; } = 120;

    /// <summary>Directory for resume records that must survive a restart of this process (embedded mode).</summary>
    public string? StateDirectory { get; init; }

    /// <summary>Copies of objects known to be up to <see cref="ResumableThreshold"/>: they travel many to a message, to a batch worker.</summary>
    public bool TravelsInBatches(ObjectJob job) => job.Kind == JobKind.Copy && job.ExpectedSize >= 0 && job.ExpectedSize <= ResumableThreshold;

    public TransferOptions ToTransferOptions() => new()
    {
        Parts = new PartSizing
        {
            PartSize = PartSize,
            SmallObjectThreshold = ResumableThreshold,
            MinimumPartSize = MinimumPartSize,
        },
        Retry = new RetryOptions { MaxRetries = MaxRetry },
        MaxPartsPerObject = MaxThread,
        Md5WithChecksumTrailer = Md5WithChecksumTrailer,
        ObjectTimeout = TimeSpan.FromSeconds(JobTimeoutSeconds),
    };

    /// <summary>Every problem with these settings, each naming the setting.</summary>
    public IEnumerable<string> Validate()
    {
        if (MaxParallelFile < 1)
        {
            yield return "S3Migrate:Transfer:MaxParallelFile must be at least 1";
        }

        if (MemoryBudgetBytes < MinimumPartSize)
        {
            yield return "S3Migrate:Transfer:MemoryBudgetBytes must hold at least one part";
        }

        if (SmallObjectBatchSize is < 1 or > 1000)
        {
            yield return "S3Migrate:Transfer:SmallObjectBatchSize must be between 1 and 1000";
        }

        if (LargeObjectsPerMessage is < 1 or > 100)
        {
            yield return "S3Migrate:Transfer:LargeObjectsPerMessage must be between 1 and 100";
        }

        if (StallTimeoutSeconds < 1)
        {
            yield return "S3Migrate:Transfer:StallTimeoutSeconds must be at least 1";
        }

        if (MaxQueuedJobs < 1)
        {
            yield return "S3Migrate:Transfer:MaxQueuedJobs must be at least 1";
        }

        if (ToTransferOptions().Validate() is { } problem)
        {
            yield return "S3Migrate:Transfer: " + problem;
        }
    }
}
