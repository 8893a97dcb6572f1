namespace S3Migrate.Abstractions;

/// <summary>
/// What one diff grain compares: a route, optionally narrowed to a key range of the source (when a large route is
/// split so that listing runs in parallel across silos).
/// </summary>
[GenerateSerializer, Alias("s3m.diff"), Immutable]
public sealed record DiffAssignment
{
    [Id(0)]
    public required string MigrationId { get; init; }

    [Id(1)]
    public required int RouteIndex { get; init; }

    [Id(2)]
    public required MigrationSpec Spec { get; init; }

    [Id(3)]
    public required int Round { get; init; }

    /// <summary>Source keys strictly after this one (null: from the start of the route's prefix).</summary>
    [Id(4)]
    public string? After { get; init; }

    /// <summary>Source keys up to and including this one (null: to the end of the route's prefix).</summary>
    [Id(5)]
    public string? UpTo { get; init; }

    /// <summary>May this diff split its range into child diffs (false for children).</summary>
    [Id(6)]
    public bool MaySplit { get; init; } = true;
}

/// <summary>What a diff found, reported to its migration when it finishes.</summary>
[GenerateSerializer, Alias("s3m.diffsummary"), Immutable]
public sealed record DiffSummary(
    [property: Id(0)] string DiffId,
    [property: Id(1)] int Round,
    [property: Id(2)] long JobsEmitted,
    [property: Id(3)] long ObjectsSame,
    [property: Id(4)] string? Error)
{
    [Id(5)]
    public long BytesSame { get; init; }

    /// <summary>Child diffs this diff started; the migration waits for them too.</summary>
    [Id(6)]
    public IReadOnlyList<string> Children { get; init; } = [];
}
