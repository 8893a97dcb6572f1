using Amazon.CDK.AWS.IAM;
using Constructs;
using S3Migrate.Infra.Configuration;

namespace S3Migrate.Infra.Security;

/// <summary>
/// What the instance role may do in the buckets on its own side: read the sources (PUT) or write the destinations
/// (GET), only under the routes' prefixes. The other side is reached with the remote credentials, never this role.
/// </summary>
internal static class LocalBucketAccess
{
    public const string ReadObjectsSid = "ReadLocalSourceObjects";
    public const string ListSourcesSid = "ListLocalSourceBuckets";
    public const string WriteObjectsSid = "WriteLocalDestinationObjects";
    public const string ListDestinationsSid = "ListLocalDestinationBuckets";
    public const string DeleteObjectsSid = "DeleteLocalDestinationObjects";
    public const string BucketKeysSid = "UseLocalBucketKeys";

    /// <summary>Ranged, version-pinned reads with tags and checksums.</summary>
    public static IReadOnlyList<string> ReadObjectActions { get; } =
    [
        "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging", "s3:GetObjectVersionTagging",
        "s3:GetObjectAttributes", "s3:GetObjectVersionAttributes",
    ];

    /// <summary>Listing for the diff, and the bucket's region for preflight.</summary>
    public static IReadOnlyList<string> ReadBucketActions { get; } = ["s3:ListBucket", "s3:GetBucketLocation"];

    /// <summary>
    /// Single and multipart uploads (s3:PutObject covers create, upload part and complete), tags, canned ACLs, resume
    /// (list the parts of an upload) and cleanup (abort); GetObject/GetObjectAttributes for HEAD-based verification.
    /// </summary>
    public static IReadOnlyList<string> WriteObjectActions { get; } =
    [
        "s3:PutObject", "s3:PutObjectTagging", "s3:PutObjectAcl", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
        "s3:GetObject", "s3:GetObjectAttributes",
    ];

    /// <summary>Listing for the diff, finding unfinished uploads to resume, and the bucket's region.</summary>
    public static IReadOnlyList<string> WriteBucketActions { get; } = ["s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:GetBucketLocation"];

    public static IEnumerable<PolicyStatement> Statements(IConstruct scope, S3MigrateStackProps props)
    {
        if (props.Routes.Count == 0)
        {
            yield break;
        }

        var put = props.JobType == JobType.Put;
        var buckets = props.LocalBuckets;
        var objects = ObjectArns(scope, props);
        var bucketArns = buckets.Select(b => Arns.Bucket(scope, b)).ToArray();

        yield return Allow(put ? ReadObjectsSid : WriteObjectsSid, put ? ReadObjectActions : WriteObjectActions, objects);
        yield return Allow(put ? ListSourcesSid : ListDestinationsSid, put ? ReadBucketActions : WriteBucketActions, bucketArns);

        if (!put && props.AllowDestinationDeletes)
        {
            yield return Allow(DeleteObjectsSid, ["s3:DeleteObject"], objects);
        }

        if (props.BucketKmsKeyArns.Count > 0)
        {
            yield return Allow(BucketKeysSid, put ? ["kms:Decrypt"] : ["kms:Decrypt", "kms:GenerateDataKey"], [.. props.BucketKmsKeyArns]);
        }
    }

    /// <summary>One ARN per local bucket and prefix; a route without a prefix covers its whole bucket.</summary>
    private static string[] ObjectArns(IConstruct scope, S3MigrateStackProps props) =>
        props.Routes
            .GroupBy(r => r.LocalBucket(props.JobType), StringComparer.Ordinal)
            .SelectMany(g =>
            {
                var prefixes = g.Select(r => r.LocalPrefix(props.JobType)).Distinct(StringComparer.Ordinal).ToList();
                return prefixes.Contains(string.Empty) ? [string.Empty] : prefixes;
            }, (g, prefix) => Arns.Objects(scope, g.Key, prefix))
            .ToArray();

    private static PolicyStatement Allow(string sid, IReadOnlyList<string> actions, string[] resources) => new(new PolicyStatementProps
    {
        Sid = sid,
        Effect = Effect.ALLOW,
        Actions = [.. actions],
        Resources = resources,
    });
}
