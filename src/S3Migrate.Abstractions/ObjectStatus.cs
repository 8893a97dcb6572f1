namespace S3Migrate.Abstractions;

public enum ObjectState
{
    Idle,
    Queued,
    Running,
    Verified,
    Failed,
    Deleted,
    Skipped,
}

/// <summary>One destination object's job as its grain knows it.</summary>
[GenerateSerializer, Alias("s3m.objectstatus"), Immutable]
public sealed record ObjectStatus(
    [property: Id(0)] string DestinationId,
    [property: Id(1)] ObjectState State,
    [property: Id(2)] ObjectJob? Job,
    [property: Id(3)] string? Reason)
{
    [Id(4)]
    public long Size { get; init; }

    [Id(5)]
    public long BytesDone { get; init; }

    [Id(6)]
    public int Attempts { get; init; }
}
