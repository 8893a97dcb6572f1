namespace S3Migrate.Abstractions;

/// <summary>
/// Several jobs in one stream event (one message): small objects copied by a stateless worker, or a group of large
/// objects handed to their objects' grains.
/// </summary>
[GenerateSerializer, Alias("s3m.batch"), Immutable]
public sealed record JobBatch(
    [property: Id(0)] string BatchId,
    [property: Id(1)] IReadOnlyList<ObjectJob> Jobs);
