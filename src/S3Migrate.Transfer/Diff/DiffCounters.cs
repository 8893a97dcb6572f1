using S3Migrate.Transfer.Listing;

namespace S3Migrate.Transfer.Diff;

/// <summary>
/// Counts what a diff has seen, whether or not the entries are emitted; safe to read (<see cref="Snapshot"/>) from
/// another thread while the diff runs, for progress and dry runs.
/// </summary>
public sealed class DiffCounters
{
    private long _sourceObjects;
    private long _sourceBytes;
    private long _missing;
    private long _missingBytes;
    private long _changed;
    private long _changedBytes;
    private long _same;
    private long _sameBytes;
    private long _extra;
    private long _extraBytes;
    private long _filtered;
    private long _sourceMissing;
    private string? _position;

    /// <summary>
    /// The source key up to which the diff has gone: every entry for keys up to it has been handed to the consumer.
    /// To resume a diff from a checkpoint of it, list the source after it and the destination after its mapped key.
    /// Read it between entries (after handling those received), so a checkpoint never passes an unhandled entry.
    /// </summary>
    public string? Position => Volatile.Read(ref _position);

    public DiffTotals Snapshot() => new(
        Interlocked.Read(ref _sourceObjects),
        Interlocked.Read(ref _sourceBytes),
        Interlocked.Read(ref _missing),
        Interlocked.Read(ref _missingBytes),
        Interlocked.Read(ref _changed),
        Interlocked.Read(ref _changedBytes),
        Interlocked.Read(ref _same),
        Interlocked.Read(ref _sameBytes),
        Interlocked.Read(ref _extra),
        Interlocked.Read(ref _extraBytes),
        Interlocked.Read(ref _filtered),
        Interlocked.Read(ref _sourceMissing));

    public override string ToString() => Snapshot().ToString();

    internal void Filtered() => Interlocked.Increment(ref _filtered);

    internal void Advance(string sourceKey) => Volatile.Write(ref _position, sourceKey);

    internal void Count(DiffKind kind, ListedObject? source, ListedObject? destination)
    {
        if (source is not null)
        {
            Interlocked.Increment(ref _sourceObjects);
            Interlocked.Add(ref _sourceBytes, source.Size);
        }

        switch (kind)
        {
            case DiffKind.Missing:
                Interlocked.Increment(ref _missing);
                Interlocked.Add(ref _missingBytes, source?.Size ?? 0);
                break;
            case DiffKind.Changed:
                Interlocked.Increment(ref _changed);
                Interlocked.Add(ref _changedBytes, source?.Size ?? 0);
                break;
            case DiffKind.Same:
                Interlocked.Increment(ref _same);
                Interlocked.Add(ref _sameBytes, source?.Size ?? 0);
                break;
            case DiffKind.Extra:
                Interlocked.Increment(ref _extra);
                Interlocked.Add(ref _extraBytes, destination?.Size ?? 0);
                break;
            case DiffKind.SourceMissing:
                Interlocked.Increment(ref _sourceMissing);
                break;
        }
    }
}
