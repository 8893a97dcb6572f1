namespace S3Migrate.Abstractions;

/// <summary>A large object being copied right now, for progress bars.</summary>
[GenerateSerializer, Alias("s3m.inflight"), Immutable]
public sealed record InFlightObject(
    [property: Id(0)] string DestinationId,
    [property: Id(1)] long Size,
    [property: Id(2)] long BytesDone);
