namespace S3Migrate.Transfer.Diff;

/// <summary>What a diff found for one key.</summary>
public enum DiffKind
{
    /// <summary>At the source, not at the destination: copy it.</summary>
    Missing,

    /// <summary>At both, but different (see <see cref="DiffEntry.Changes"/>): copy it again.</summary>
    Changed,

    /// <summary>At the destination only: delete it when the migration deletes extras.</summary>
    Extra,

    /// <summary>At both and equal as far as can be compared: nothing to do.</summary>
    Same,

    /// <summary>Named by a manifest but not found (or not readable) at the source; <see cref="DiffEntry.Detail"/> says why.</summary>
    SourceMissing,
}
