namespace S3Migrate.Transfer.Listing;

/// <summary>How <see cref="ParallelLister"/> reads ahead.</summary>
public sealed record ParallelListingOptions
{
    /// <summary>Ranges listed at once: the one being consumed and the ones after it.</summary>
    public int MaxConcurrentRanges { get; init; } = 8;

    /// <summary>Objects buffered per range ahead of the consumer (two S3 pages by default).</summary>
    public int ReadAheadPerRange { get; init; } = 2 * ListingOptions.S3MaximumPageSize;

    public string? Validate() =>
        MaxConcurrentRanges < 1 ? $"the number of ranges listed at once must be at least 1 (was {MaxConcurrentRanges})"
        : ReadAheadPerRange < 1 ? $"the read-ahead per range must be at least 1 (was {ReadAheadPerRange})"
        : null;
}
