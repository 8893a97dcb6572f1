namespace S3Migrate.Transfer.Listing;

/// <summary>How <see cref="PrefixDiscovery"/> explores a bucket to split it.</summary>
public sealed record PrefixDiscoveryOptions
{
    /// <summary>Splits fall on "folders".</summary>
    public string Delimiter { get; init; } = "/";

    /// <summary>Folder levels to descend below the listed prefix: 1 splits on its folders, 2 on their sub-folders too.</summary>
    public int MaxDepth { get; init; } = 2;

    /// <summary>
    /// The most boundaries kept (so the most ranges, less one). Where more folders exist, evenly spaced ones are kept, so
    /// memory stays bounded however many folders a bucket has.
    /// </summary>
    public int MaxBoundaries { get; init; } = 4096;

    /// <summary>Delimiter listings in flight at once while descending.</summary>
    public int MaxConcurrency { get; init; } = 8;

    public string? Validate() =>
        string.IsNullOrEmpty(Delimiter) ? "the discovery delimiter must not be empty"
        : MaxDepth < 1 ? $"the discovery depth must be at least 1 (was {MaxDepth})"
        : MaxBoundaries < 1 ? $"the discovery boundary limit must be at least 1 (was {MaxBoundaries})"
        : MaxConcurrency < 1 ? $"the discovery concurrency must be at least 1 (was {MaxConcurrency})"
        : null;
}
