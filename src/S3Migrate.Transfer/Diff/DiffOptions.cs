namespace S3Migrate.Transfer.Diff;

/// <summary>What a diff compares and reports.</summary>
public sealed record DiffOptions
{
    /// <summary>Source keys to destination keys; the identity by default.</summary>
    public KeyMapping Mapping { get; init; } = KeyMapping.Identity;

    /// <summary>Which source keys are taken; all by default. Extras are filtered by the source key they map back to.</summary>
    public KeyFilter Filter { get; init; } = KeyFilter.All;

    /// <summary>The source bucket's name, needed by <c>s3://</c> patterns of <see cref="Filter"/>.</summary>
    public string SourceBucket { get; init; } = string.Empty;

    /// <summary>
    /// Compare ETags where they are comparable (both MD5s, or both multipart with the same part count). Turn it off when
    /// either side encrypts with SSE-KMS or SSE-C: those ETags look like MD5s but are not, and would always differ.
    /// </summary>
    public bool CompareETags { get; init; } = true;

    /// <summary>A source written after its destination copy counts as changed.</summary>
    public bool CompareLastModified { get; init; }

    /// <summary>Emit <see cref="DiffKind.Same"/> entries too (they are always counted).</summary>
    public bool EmitSame { get; init; }

    /// <summary>Emit <see cref="DiffKind.Extra"/> entries, for a migration that deletes what the source no longer has (always counted).</summary>
    public bool IncludeExtras { get; init; }

    public string? Validate() =>
        Filter.UsesBucket && string.IsNullOrEmpty(SourceBucket)
            ? $"the key filter has bucket patterns ({KeyFilter.BucketPatternScheme}…) but no source bucket was given"
            : null;
}
