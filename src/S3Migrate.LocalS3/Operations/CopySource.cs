using S3Migrate.LocalS3.Auth;
using S3Migrate.LocalS3.Protocol;
using S3Migrate.LocalS3.Storage;

namespace S3Migrate.LocalS3.Operations;

/// <summary>The object an x-amz-copy-source header names, resolved to a readable version.</summary>
public sealed record CopySource(BucketState Bucket, ObjectVersion Version, string? RequestedVersionId)
{
    /// <summary>
    /// Parses <c>[/]bucket/key[?versionId=ID]</c>: cut at the first raw '?', URL-decode the left part, split at the first '/'.
    /// Checks read access, the source's storage class and the copy-source conditions.
    /// </summary>
    public static CopySource Resolve(S3Context context, string header)
    {
        var question = header.IndexOf('?', StringComparison.Ordinal);
        var path = S3Encoding.Decode(question < 0 ? header : header[..question], plusAsSpace: false).TrimStart('/');
        string? versionId = null;
        if (question >= 0)
        {
            var query = QueryParameters.Parse(header.AsSpan(question + 1));
            versionId = query.Get("versionId");
        }

        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == path.Length - 1)
        {
            throw S3Errors.InvalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey", "x-amz-copy-source", header);
        }

        var bucketName = path[..slash];
        var key = path[(slash + 1)..];
        if (!context.Auth.Key.Allows(bucketName, AccessRights.Read))
        {
            throw S3Errors.AccessDenied();
        }

        var bucket = context.Store.GetBucket(bucketName);
        ObjectVersion version;
        if (versionId is null)
        {
            version = bucket.GetCurrent(key) is { IsDeleteMarker: false } current ? current : throw S3Errors.NoSuchKey(key);
        }
        else
        {
            version = bucket.GetVersion(key, versionId) ?? throw S3Errors.NoSuchVersion(key, versionId);
            if (version.IsDeleteMarker)
            {
                throw S3Errors.InvalidRequest("The source of a copy request may not specifically refer to a delete marker by version id.");
            }
        }

        if (version.Attributes.IsArchived)
        {
            throw S3Errors.InvalidObjectState(version.Attributes.StorageClass);
        }

        Conditions.CheckCopySource(context, version, context.Store.Now());
        return new CopySource(bucket, version, versionId);
    }

    public void WriteVersionHeader(S3Context context)
    {
        if (Bucket.Versioning != VersioningStatus.Off)
        {
            context.Response.Headers["x-amz-copy-source-version-id"] = Version.VersionId;
        }
    }
}
