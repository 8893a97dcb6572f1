using S3Migrate.Transfer.Planning;
using S3Migrate.Transfer.Retry;

namespace S3Migrate.Transfer.Copy;

/// <summary>How the engine moves objects. Defaults are documented where declared; validate with <see cref="Validate"/>.</summary>
public sealed record TransferOptions
{
    public PartSizing Parts { get; init; } = new();

    public RetryOptions Retry { get; init; } = new();

    /// <summary>Parts of one object in flight at once (the original tool's MaxThread).</summary>
    public int MaxPartsPerObject { get; init; } = 8;

    /// <summary>
    /// Where the destination's ETags are opaque (KMS), parts up to this size are buffered so they can carry Content-MD5
    /// and be retried without re-reading the source. Larger parts, and every part where ETags are MD5s, are streamed
    /// from the source and checked by their ETag.
    /// </summary>
    public long BufferedPartLimit { get; init; } = 64 * PartSizing.MiB;

    /// <summary>
    /// Also take the MD5 of streamed parts that carry a checksum trailer, and compare it with the destination's ETag.
    /// Off by default: S3 verifies the trailer against the part's bytes and refuses the part when they differ, and the
    /// whole object's checksum is compared with the source's at completion. Turn it on for an S3-compatible store that
    /// ignores trailing checksums.
    /// </summary>
    public bool Md5WithChecksumTrailer { get; init; }

    /// <summary>
    /// How long one object may take before it is stopped (the original tool's JobTimeout), give or take a sixteenth (objects
    /// share deadline timers); it stays resumable.
    /// </summary>
    public TimeSpan ObjectTimeout { get; init; } = TimeSpan.FromHours(12);

    /// <summary>Times a copy restarts because the source changed under it before it gives up.</summary>
    public int MaxSourceRestarts { get; init; } = 3;

    public string? Validate()
    {
        if (Parts.Validate() is { } parts)
        {
            return parts;
        }

        if (Retry.Validate() is { } retry)
        {
            return retry;
        }

        if (MaxPartsPerObject < 1)
        {
            return "MaxThread (parts per object) must be at least 1";
        }

        if (BufferedPartLimit < Parts.MinimumPartSize)
        {
            return "the buffered-part limit must be at least the minimum part size";
        }

        return ObjectTimeout <= TimeSpan.Zero ? "JobTimeout must be positive" : MaxSourceRestarts < 0 ? "MaxSourceRestarts must not be negative" : null;
    }
}
