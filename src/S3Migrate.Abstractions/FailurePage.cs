namespace S3Migrate.Abstractions;

/// <summary>A page of a migration's failure list (the list is bounded; <see cref="Total"/> counts them all).</summary>
[GenerateSerializer, Alias("s3m.failures"), Immutable]
public sealed record FailurePage(
    [property: Id(0)] IReadOnlyList<ObjectFailure> Failures,
    [property: Id(1)] long Total,
    [property: Id(2)] int Offset);
