using Microsoft.AspNetCore.Http;
using S3Migrate.LocalS3.Auth;
using S3Migrate.LocalS3.Operations;
using S3Migrate.LocalS3.Protocol;

namespace S3Migrate.LocalS3.Hosting;

/// <summary>An S3 operation as routed: its API name (for counters and faults), the rights it needs and its handler.</summary>
public sealed record RoutedOperation(string Name, AccessRights Rights, Func<S3Context, Task> Handler);

/// <summary>Maps method, bucket, key and sub-resources to S3 operations, as S3's REST API does.</summary>
public static class S3Router
{
    private static readonly string[] BucketConfigurations =
    [
        "acl", "encryption", "logging", "accelerate", "policy", "lifecycle", "cors", "tagging", "website", "replication",
        "object-lock", "publicAccessBlock", "ownershipControls", "analytics", "metrics", "inventory", "intelligent-tiering",
    ];

    public static RoutedOperation Route(string method, string? bucket, string? key, QueryParameters query, IHeaderDictionary headers)
    {
        if (bucket is null)
        {
            return method == HttpMethods.Get
                ? Op("ListBuckets", AccessRights.Read, BucketOperations.ListBuckets)
                : Unsupported(method, "the service endpoint");
        }

        return key is null ? RouteBucket(method, query) : RouteObject(method, query, headers);
    }

    private static RoutedOperation RouteBucket(string method, QueryParameters query)
    {
        switch (method)
        {
            case "GET":
                if (query.Has("location")) return Op("GetBucketLocation", AccessRights.Read, BucketOperations.GetBucketLocation);
                if (query.Has("versioning")) return Op("GetBucketVersioning", AccessRights.Read, BucketOperations.GetBucketVersioning);
                if (query.Has("notification")) return Op("GetBucketNotificationConfiguration", AccessRights.Read, BucketOperations.GetBucketNotificationConfiguration);
                if (query.Has("uploads")) return Op("ListMultipartUploads", AccessRights.Read, MultipartOperations.ListMultipartUploads);
                if (query.Has("versions")) return Op("ListObjectVersions", AccessRights.Read, ListingOperations.ListObjectVersions);
                if (query.Has("requestPayment")) return Op("GetBucketRequestPayment", AccessRights.Read, BucketOperations.GetBucketRequestPayment);
                if (query.Get("list-type") == "2") return Op("ListObjectsV2", AccessRights.Read, ListingOperations.ListObjectsV2);
                foreach (var configuration in BucketConfigurations)
                {
                    if (query.Has(configuration))
                    {
                        var name = configuration;
                        return Op("GetBucket" + char.ToUpperInvariant(name[0]) + name[1..], AccessRights.Read,
                            c => BucketOperations.GetBucketDefaultConfiguration(c, name));
                    }
                }

                return Op("ListObjects", AccessRights.Read, ListingOperations.ListObjects);
            case "PUT":
                if (query.Has("versioning")) return Op("PutBucketVersioning", AccessRights.ReadWrite, BucketOperations.PutBucketVersioning);
                if (query.Has("notification")) return Op("PutBucketNotificationConfiguration", AccessRights.ReadWrite, BucketOperations.PutBucketNotificationConfiguration);
                if (query.Has("requestPayment")) return Op("PutBucketRequestPayment", AccessRights.ReadWrite, BucketOperations.PutBucketRequestPayment);
                if (FirstSubresource(query) is { } bucketSubresource) return Unsupported(method, "?" + bucketSubresource);
                return Op("CreateBucket", AccessRights.ReadWrite, BucketOperations.CreateBucket);
            case "HEAD":
                return Op("HeadBucket", AccessRights.Read, BucketOperations.HeadBucket);
            case "DELETE":
                if (FirstSubresource(query) is { } deleteSubresource) return Unsupported(method, "?" + deleteSubresource);
                return Op("DeleteBucket", AccessRights.ReadWrite, BucketOperations.DeleteBucket);
            case "POST":
                if (query.Has("delete")) return Op("DeleteObjects", AccessRights.Write, BucketOperations.DeleteObjects);
                return Unsupported(method, "POST on a bucket (browser uploads)");
            default:
                return Unsupported(method, method);
        }
    }

    private static RoutedOperation RouteObject(string method, QueryParameters query, IHeaderDictionary headers)
    {
        var hasCopySource = headers.ContainsKey("x-amz-copy-source");
        switch (method)
        {
            case "GET":
                if (query.Has("uploadId")) return Op("ListParts", AccessRights.Read, MultipartOperations.ListParts);
                if (query.Has("tagging")) return Op("GetObjectTagging", AccessRights.Read, ObjectOperations.GetObjectTagging);
                if (query.Has("acl")) return Op("GetObjectAcl", AccessRights.Read, c => BucketOperations.GetBucketDefaultConfiguration(c, "objectAcl"));
                if (query.Has("attributes") || query.Has("torrent") || query.Has("retention") || query.Has("legal-hold"))
                {
                    return Unsupported(method, "?" + FirstSubresource(query));
                }

                return Op("GetObject", AccessRights.Read, ObjectOperations.GetObject);
            case "HEAD":
                return Op("HeadObject", AccessRights.Read, ObjectOperations.HeadObject);
            case "PUT":
                if (query.Has("partNumber") && query.Has("uploadId"))
                {
                    return hasCopySource
                        ? Op("UploadPartCopy", AccessRights.Write, CopyOperations.UploadPartCopy)
                        : Op("UploadPart", AccessRights.Write, MultipartOperations.UploadPart);
                }

                if (query.Has("tagging")) return Op("PutObjectTagging", AccessRights.Write, ObjectOperations.PutObjectTagging);
                if (query.Has("acl")) return Op("PutObjectAcl", AccessRights.Write, static _ => Task.CompletedTask);
                if (FirstSubresource(query) is { } objectSubresource && objectSubresource != "versionId") return Unsupported(method, "?" + objectSubresource);
                return hasCopySource
                    ? Op("CopyObject", AccessRights.Write, CopyOperations.CopyObject)
                    : Op("PutObject", AccessRights.Write, ObjectOperations.PutObject);
            case "DELETE":
                if (query.Has("uploadId")) return Op("AbortMultipartUpload", AccessRights.Write, MultipartOperations.AbortMultipartUpload);
                if (query.Has("tagging")) return Op("DeleteObjectTagging", AccessRights.Write, ObjectOperations.DeleteObjectTagging);
                return Op("DeleteObject", AccessRights.Write, ObjectOperations.DeleteObject);
            case "POST":
                if (query.Has("uploads")) return Op("CreateMultipartUpload", AccessRights.Write, MultipartOperations.CreateMultipartUpload);
                if (query.Has("uploadId")) return Op("CompleteMultipartUpload", AccessRights.Write, MultipartOperations.CompleteMultipartUpload);
                return Unsupported(method, FirstSubresource(query) is { } postSubresource ? "?" + postSubresource : "POST on an object");
            default:
                return Unsupported(method, method);
        }
    }

    /// <summary>The first query parameter that names a sub-resource (not presigned-URL authentication nor the SDK's x-id).</summary>
    private static string? FirstSubresource(QueryParameters query)
    {
        foreach (var (name, _) in query.All)
        {
            if (!name.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase) && name != "x-id")
            {
                return name;
            }
        }

        return null;
    }

    private static RoutedOperation Op(string name, AccessRights rights, Func<S3Context, Task> handler) => new(name, rights, handler);

    private static RoutedOperation Unsupported(string method, string what) =>
        new("Unsupported", AccessRights.None, _ => throw (method is "GET" or "PUT" or "POST" or "DELETE" or "HEAD"
            ? S3Errors.NotImplemented(what)
            : S3Errors.MethodNotAllowed(method)));
}
