namespace S3Migrate.Transfer.Copy;

/// <summary>How one copy ended, with what was moved and reused.</summary>
public sealed record CopyResult(CopyOutcome Outcome, string? Reason)
{
    public long Size { get; init; }

    /// <summary>Bytes sent to the destination in this run (reused parts not counted).</summary>
    public long BytesTransferred { get; init; }

    public int PartsUploaded { get; init; }

    /// <summary>Parts already at the destination from an earlier run and kept.</summary>
    public int PartsReused { get; init; }

    /// <summary>The source changed during the copy; the destination holds the newer version (whole, never mixed).</summary>
    public bool SourceChanged { get; init; }

    public string? SourceETag { get; init; }

    public string? SourceVersionId { get; init; }

    public string? DestinationETag { get; init; }

    public bool ServerSide { get; init; }

    public TimeSpan Elapsed { get; init; }

    public bool Succeeded => Outcome == CopyOutcome.Verified;
}
