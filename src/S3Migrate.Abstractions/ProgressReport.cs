namespace S3Migrate.Abstractions;

/// <summary>What one silo saw of a migration since its last report (sent about once a second, never per object).</summary>
[GenerateSerializer, Alias("s3m.progress"), Immutable]
public sealed record ProgressReport(
    [property: Id(0)] string Silo,
    [property: Id(1)] MigrationCounters Delta,
    [property: Id(2)] IReadOnlyList<ObjectFailure> Failures)
{
    /// <summary>The large objects this silo is copying for the migration now.</summary>
    [Id(3)]
    public IReadOnlyList<InFlightObject> InFlight { get; init; } = [];

    /// <summary>Jobs of the migration running or waiting for a slot on this silo now.</summary>
    [Id(4)]
    public int Active { get; init; }
}
