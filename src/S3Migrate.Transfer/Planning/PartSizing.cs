namespace S3Migrate.Transfer.Planning;

/// <summary>S3's multipart limits and our defaults for cutting objects into parts.</summary>
public sealed record PartSizing
{
    public const long MiB = 1024 * 1024;

    /// <summary>S3's minimum for every part but the last.</summary>
    public const long S3MinimumPartSize = 5 * MiB;

    public const long S3MaximumPartSize = 5L * 1024 * MiB;

    public const int S3MaximumParts = 10_000;

    /// <summary>The largest object S3 accepts: 10,000 parts of 5 GiB (48.8 TiB).</summary>
    public const long S3MaximumObjectSize = S3MaximumParts * S3MaximumPartSize;

    /// <summary>The largest single PUT.</summary>
    public const long S3MaximumSinglePut = 5L * 1024 * MiB;

    /// <summary>Default part size: 16 MiB (5 MiB parts cost 4–5× throughput on long links).</summary>
    public long PartSize { get; init; } = 16 * MiB;

    /// <summary>Objects up to this size are copied with one GET and one PUT (the original tool's ResumableThreshold).</summary>
    public long SmallObjectThreshold { get; init; } = 16 * MiB;

    /// <summary>The smallest part the planner uses; S3's 5 MiB unless a test store allows less.</summary>
    public long MinimumPartSize { get; init; } = S3MinimumPartSize;

    public long MaximumPartSize { get; init; } = S3MaximumPartSize;

    public int MaximumParts { get; init; } = S3MaximumParts;

    /// <summary>The first problem with these settings, or null.</summary>
    public string? Validate()
    {
        if (MinimumPartSize <= 0 || MaximumPartSize < MinimumPartSize)
        {
            return "part sizes: the minimum must be positive and not above the maximum";
        }

        if (PartSize < MinimumPartSize || PartSize > MaximumPartSize)
        {
            return $"part size {PartSize} must be between {MinimumPartSize} and {MaximumPartSize} bytes";
        }

        if (SmallObjectThreshold < 0 || SmallObjectThreshold > S3MaximumSinglePut)
        {
            return $"the small-object threshold must be between 0 and {S3MaximumSinglePut} bytes (the largest single PUT)";
        }

        return MaximumParts is < 1 or > S3MaximumParts ? $"the part count limit must be between 1 and {S3MaximumParts}" : null;
    }
}
