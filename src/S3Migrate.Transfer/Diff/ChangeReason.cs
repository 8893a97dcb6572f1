namespace S3Migrate.Transfer.Diff;

/// <summary>Why an object counts as changed; several can hold at once.</summary>
[Flags]
public enum ChangeReason
{
    None = 0,

    /// <summary>The sizes differ.</summary>
    Size = 1,

    /// <summary>Both ETags are comparable (both MD5s, or both multipart with the same part count) and they differ.</summary>
    ETag = 2,

    /// <summary>The source was written after the destination (only when last-modified times are compared).</summary>
    LastModified = 4,
}
