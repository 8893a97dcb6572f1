namespace S3Migrate.Abstractions;

/// <summary>How one object ended.</summary>
public enum ObjectOutcomeKind
{
    Verified,
    Failed,
    Deleted,

    /// <summary>Nothing to do: the destination already holds the object, or a newer event superseded this one.</summary>
    Skipped,

    /// <summary>Interrupted (cancelled, timed out, silo stopping): resumable, will be offered again.</summary>
    Interrupted,
}

/// <summary>The end of one object's job.</summary>
[GenerateSerializer, Alias("s3m.outcome"), Immutable]
public sealed record ObjectOutcome(
    [property: Id(0)] ObjectJob Job,
    [property: Id(1)] ObjectOutcomeKind Kind,
    [property: Id(2)] string? Reason)
{
    /// <summary>The reason of an object interrupted because its migration was cancelled (done with; not offered again).</summary>
    public const string CancelledReason = "cancelled";

    /// <summary>The reason of an object interrupted because its silo is stopping (offered again, resumed).</summary>
    public const string StoppingReason = "interrupted: silo stopping";

    [Id(3)]
    public long Size { get; init; }

    [Id(4)]
    public long BytesTransferred { get; init; }

    [Id(5)]
    public int PartsReused { get; init; }

    [Id(6)]
    public bool SourceChanged { get; init; }

    /// <summary>Parts (or single-part objects) actually uploaded.</summary>
    [Id(7)]
    public int PartsUploaded { get; init; }
}
