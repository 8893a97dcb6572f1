using System.Text.Json.Serialization;

namespace S3Migrate.Infra.Configuration;

/// <summary>
/// One source/destination pair of the bucket list, in the original tool's format
/// (<c>{"src_bucket","src_prefix","des_bucket","des_prefix"}</c>).
/// </summary>
/// <param name="SrcBucket">Source bucket name.</param>
/// <param name="SrcPrefix">Key prefix to migrate from the source; empty for the whole bucket.</param>
/// <param name="DesBucket">Destination bucket name.</param>
/// <param name="DesPrefix">Key prefix the objects get at the destination; empty for none.</param>
internal sealed record BucketRoute(
    [property: JsonPropertyName("src_bucket")] string SrcBucket,
    [property: JsonPropertyName("src_prefix")] string SrcPrefix,
    [property: JsonPropertyName("des_bucket")] string DesBucket,
    [property: JsonPropertyName("des_prefix")] string DesPrefix)
{
    /// <summary>The bucket this cluster reaches with its own instance role: the source for PUT, the destination for GET.</summary>
    public string LocalBucket(JobType jobType) => jobType == JobType.Put ? SrcBucket : DesBucket;

    /// <summary>The key prefix inside <see cref="LocalBucket"/> that this route touches.</summary>
    public string LocalPrefix(JobType jobType) => (jobType == JobType.Put ? SrcPrefix : DesPrefix) ?? string.Empty;
}
