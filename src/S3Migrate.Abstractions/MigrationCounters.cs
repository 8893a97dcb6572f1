namespace S3Migrate.Abstractions;

/// <summary>Objects and bytes of a migration by stage. Counters only grow; rates are derived by the reader.</summary>
[GenerateSerializer, Alias("s3m.counters"), Immutable]
public sealed record MigrationCounters
{
    /// <summary>Objects the diffs found missing or different at the destination.</summary>
    [Id(0)]
    public long ObjectsDiscovered { get; init; }

    [Id(1)]
    public long BytesDiscovered { get; init; }

    /// <summary>Objects verified at the destination.</summary>
    [Id(2)]
    public long ObjectsDone { get; init; }

    [Id(3)]
    public long BytesDone { get; init; }

    [Id(4)]
    public long ObjectsFailed { get; init; }

    /// <summary>Objects already identical at the destination.</summary>
    [Id(5)]
    public long ObjectsSkipped { get; init; }

    /// <summary>Bytes actually sent (parts reused from an earlier run are not counted).</summary>
    [Id(6)]
    public long BytesTransferred { get; init; }

    [Id(7)]
    public long PartsReused { get; init; }

    [Id(8)]
    public long ObjectsDeleted { get; init; }

    /// <summary>Copies that had to restart because the source changed under them.</summary>
    [Id(9)]
    public long SourceChanges { get; init; }

    [Id(10)]
    public long BytesSkipped { get; init; }

    public long ObjectsPending => Math.Max(0, ObjectsDiscovered - ObjectsDone - ObjectsFailed - ObjectsDeleted);

    public MigrationCounters Add(MigrationCounters other) => new()
    {
        ObjectsDiscovered = ObjectsDiscovered + other.ObjectsDiscovered,
        BytesDiscovered = BytesDiscovered + other.BytesDiscovered,
        ObjectsDone = ObjectsDone + other.ObjectsDone,
        BytesDone = BytesDone + other.BytesDone,
        ObjectsFailed = ObjectsFailed + other.ObjectsFailed,
        ObjectsSkipped = ObjectsSkipped + other.ObjectsSkipped,
        BytesTransferred = BytesTransferred + other.BytesTransferred,
        PartsReused = PartsReused + other.PartsReused,
        ObjectsDeleted = ObjectsDeleted + other.ObjectsDeleted,
        SourceChanges = SourceChanges + other.SourceChanges,
        BytesSkipped = BytesSkipped + other.BytesSkipped,
    };

    public bool IsEmpty => this == new MigrationCounters();
}
