namespace S3Migrate.Transfer.Listing;

/// <summary>How <see cref="S3ObjectLister"/> asks for listings.</summary>
public sealed record ListingOptions
{
    /// <summary>The most keys ListObjectsV2 returns per page.</summary>
    public const int S3MaximumPageSize = 1000;

    /// <summary>Keys per page (max-keys); S3's maximum by default, as fewer pages cost fewer requests.</summary>
    public int PageSize { get; init; } = S3MaximumPageSize;

    /// <summary>The bucket is requester-pays: listing requests accept the charge.</summary>
    public bool RequesterPays { get; init; }

    public string? Validate() =>
        PageSize is < 1 or > S3MaximumPageSize ? $"listing page size must be between 1 and {S3MaximumPageSize} (was {PageSize})" : null;
}
