namespace S3Migrate.Transfer.Diff;

/// <summary>A diff's counts so far (see <see cref="DiffCounters"/>). Bytes are source sizes, destination sizes for extras.</summary>
public sealed record DiffTotals(
    long SourceObjects,
    long SourceBytes,
    long Missing,
    long MissingBytes,
    long Changed,
    long ChangedBytes,
    long Same,
    long SameBytes,
    long Extra,
    long ExtraBytes,
    long Filtered,
    long SourceMissing)
{
    /// <summary>Objects a migration has to copy.</summary>
    public long ToCopy => Missing + Changed;

    /// <summary>Bytes a migration has to copy.</summary>
    public long BytesToCopy => MissingBytes + ChangedBytes;
}
