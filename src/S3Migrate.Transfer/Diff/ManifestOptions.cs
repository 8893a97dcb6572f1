using S3Migrate.Transfer.Listing;

namespace S3Migrate.Transfer.Diff;

/// <summary>How <see cref="ManifestLister"/> reads a manifest and checks its keys.</summary>
public sealed record ManifestOptions
{
    public required string SourceBucket { get; init; }

    public required string DestinationBucket { get; init; }

    public ManifestFormat Format { get; init; } = ManifestFormat.Auto;

    /// <summary>Keys checked at once (each check is a HEAD on each side).</summary>
    public int MaxConcurrency { get; init; } = 32;

    /// <summary>The source bucket is requester-pays: HEADs on it accept the charge.</summary>
    public bool RequesterPaysSource { get; init; }

    public string? Validate() =>
        string.IsNullOrEmpty(SourceBucket) || string.IsNullOrEmpty(DestinationBucket) ? "a manifest diff needs both bucket names"
        : MaxConcurrency < 1 ? $"the manifest concurrency must be at least 1 (was {MaxConcurrency})"
        : null;
}
