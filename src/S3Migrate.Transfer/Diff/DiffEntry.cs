using S3Migrate.Transfer.Listing;

namespace S3Migrate.Transfer.Diff;

/// <summary>One key's outcome in a diff.</summary>
/// <param name="Kind">What was found.</param>
/// <param name="SourceKey">The key at the source (for extras: the key that would map to the destination key).</param>
/// <param name="DestinationKey">The key at the destination: the source key mapped by <see cref="KeyMapping"/>.</param>
/// <param name="Source">The source object; null for extras and keys missing at the source.</param>
/// <param name="Destination">The destination object; null when missing there.</param>
public sealed record DiffEntry(DiffKind Kind, string SourceKey, string DestinationKey, ListedObject? Source, ListedObject? Destination)
{
    /// <summary>For <see cref="DiffKind.Changed"/>: what differs.</summary>
    public ChangeReason Changes { get; init; }

    /// <summary>A reason in words, where there is one beyond the kind (e.g. why a manifest key is missing at the source).</summary>
    public string? Detail { get; init; }

    public override string ToString() => Kind switch
    {
        DiffKind.Changed => $"{Kind} ({Changes}): {SourceKey} → {DestinationKey}",
        DiffKind.Extra => $"{Kind}: {DestinationKey}",
        _ when Detail is not null => $"{Kind}: {SourceKey} → {DestinationKey} ({Detail})",
        _ => $"{Kind}: {SourceKey} → {DestinationKey}",
    };
}
