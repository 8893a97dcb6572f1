namespace S3Migrate.Abstractions;

/// <summary>Many small objects in one stream event (one message), copied by a stateless worker.</summary>
[GenerateSerializer, Alias("s3m.batch"), Immutable]
public sealed record JobBatch(
    [property: Id(0)] string BatchId,
    [property: Id(1)] IReadOnlyList<ObjectJob> Jobs);
