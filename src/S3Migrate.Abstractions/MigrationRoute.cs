namespace S3Migrate.Abstractions;

/// <summary>
/// One source bucket/prefix and where its objects go: destination key = <see cref="DestinationPrefix"/> + the source
/// key relative to <see cref="SourcePrefix"/> (exact characters, no path normalisation).
/// </summary>
[GenerateSerializer, Alias("s3m.route"), Immutable]
public sealed record MigrationRoute(
    [property: Id(0)] string SourceBucket,
    [property: Id(1)] string SourcePrefix,
    [property: Id(2)] string DestinationBucket,
    [property: Id(3)] string DestinationPrefix)
{
    public override string ToString() => $"s3://{SourceBucket}/{SourcePrefix} → s3://{DestinationBucket}/{DestinationPrefix}";
}
