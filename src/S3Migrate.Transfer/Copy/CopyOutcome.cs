namespace S3Migrate.Transfer.Copy;

public enum CopyOutcome
{
    /// <summary>The destination holds the source's bytes, checked.</summary>
    Verified,

    /// <summary>The object cannot be copied; the result carries the reason.</summary>
    Failed,

    /// <summary>Stopped by the caller; whatever was uploaded stays resumable.</summary>
    Cancelled,

    /// <summary>Took longer than the object timeout; it stays resumable.</summary>
    TimedOut,
}
