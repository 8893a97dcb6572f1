namespace S3Migrate.Abstractions;

/// <summary>A migration as submitted: which endpoints (by name, configured on the silos), which routes, which options.</summary>
[GenerateSerializer, Alias("s3m.spec"), Immutable]
public sealed record MigrationSpec
{
    /// <summary>The endpoint objects are read from, as named in the silo's configuration.</summary>
    [Id(0)]
    public required string SourceEndpoint { get; init; }

    [Id(1)]
    public required string DestinationEndpoint { get; init; }

    [Id(2)]
    public required IReadOnlyList<MigrationRoute> Routes { get; init; }

    [Id(3)]
    public MigrationOptions Options { get; init; } = new();

    /// <summary>Free text for operators (shown by status and list).</summary>
    [Id(4)]
    public string? Description { get; init; }
}
