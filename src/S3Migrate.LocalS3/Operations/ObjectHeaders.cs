using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using S3Migrate.LocalS3.Checksums;
using S3Migrate.LocalS3.Protocol;
using S3Migrate.LocalS3.Storage;

namespace S3Migrate.LocalS3.Operations;

/// <summary>Object attributes read from request headers and written back on GET/HEAD, with S3's limits.</summary>
public static class ObjectHeaders
{
    public const int MaxKeyBytes = 1024;
    public const int MaxUserMetadataBytes = 2048;
    public const int MaxTags = 10;
    public const int MaxTagKeyLength = 128;
    public const int MaxTagValueLength = 256;
    public const string MetadataPrefix = "x-amz-meta-";
    public const string DefaultContentType = "binary/octet-stream";

    public static readonly IReadOnlySet<string> StorageClasses = new HashSet<string>(StringComparer.Ordinal)
    {
        "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE",
        "GLACIER_IR", "OUTPOSTS", "SNOW", "EXPRESS_ONEZONE",
    };

    public static readonly IReadOnlySet<string> CannedAcls = new HashSet<string>(StringComparer.Ordinal)
    {
        "private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read", "bucket-owner-read",
        "bucket-owner-full-control", "log-delivery-write",
    };

    public static void ValidateKey(string key)
    {
        if (key.Length == 0)
        {
            throw S3Errors.InvalidRequest("An object key must not be empty.");
        }

        if (Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
        {
            throw S3Errors.KeyTooLong();
        }
    }

    /// <summary>The attributes a PUT, CopyObject (REPLACE) or CreateMultipartUpload sets through its headers.</summary>
    public static ObjectAttributes ReadAttributes(HttpRequest request)
    {
        var metadata = new List<KeyValuePair<string, string>>();
        var metadataBytes = 0;
        foreach (var header in request.Headers)
        {
            if (header.Key.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var name = header.Key[MetadataPrefix.Length..].ToLowerInvariant();
                var value = header.Value.ToString();
                metadataBytes += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);
                metadata.Add(new(name, value));
            }
        }

        if (metadataBytes > MaxUserMetadataBytes)
        {
            throw S3Errors.MetadataTooLarge();
        }

        metadata.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var storageClass = Value(request, "x-amz-storage-class") ?? ObjectAttributes.DefaultStorageClass;
        if (!StorageClasses.Contains(storageClass))
        {
            throw S3Errors.InvalidStorageClass(storageClass);
        }

        if (Value(request, "x-amz-acl") is { } acl && !CannedAcls.Contains(acl))
        {
            throw S3Errors.InvalidArgument("The canned ACL is not valid.", "x-amz-acl", acl);
        }

        if (Value(request, "x-amz-server-side-encryption-customer-algorithm") is not null)
        {
            throw S3Errors.NotImplemented("x-amz-server-side-encryption-customer-algorithm (SSE-C)");
        }

        var sse = Value(request, "x-amz-server-side-encryption") ?? ObjectAttributes.DefaultSseAlgorithm;
        if (sse is not (ObjectAttributes.DefaultSseAlgorithm or ObjectAttributes.KmsSseAlgorithm or "aws:kms:dsse"))
        {
            throw S3Errors.InvalidArgument("The encryption method specified is not supported", "x-amz-server-side-encryption", sse);
        }

        var kmsKey = Value(request, "x-amz-server-side-encryption-aws-kms-key-id");
        if (kmsKey is not null && sse == ObjectAttributes.DefaultSseAlgorithm)
        {
            throw S3Errors.InvalidArgument(
                "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms",
                "x-amz-server-side-encryption-aws-kms-key-id", kmsKey);
        }

        return new ObjectAttributes
        {
            ContentType = Value(request, "Content-Type"),
            ContentEncoding = StripAwsChunked(Value(request, "Content-Encoding")),
            ContentLanguage = Value(request, "Content-Language"),
            ContentDisposition = Value(request, "Content-Disposition"),
            CacheControl = Value(request, "Cache-Control"),
            Expires = Value(request, "Expires"),
            WebsiteRedirectLocation = Value(request, "x-amz-website-redirect-location"),
            UserMetadata = metadata,
            StorageClass = storageClass,
            Tags = ParseTagging(Value(request, "x-amz-tagging")),
            SseAlgorithm = sse,
            SseKmsKeyId = sse == ObjectAttributes.DefaultSseAlgorithm ? null : kmsKey ?? "arn:aws:kms:local:000000000000:alias/aws/s3",
            BucketKeyEnabled = string.Equals(Value(request, "x-amz-server-side-encryption-bucket-key-enabled"), "true", StringComparison.OrdinalIgnoreCase),
        };
    }

    /// <summary>Writes the headers every GET/HEAD of a version carries (not Content-Length or range headers).</summary>
    public static void WriteObjectHeaders(HttpResponse response, ObjectVersion version, BucketState bucket, QueryParameters query)
    {
        var attributes = version.Attributes;
        var headers = response.Headers;
        headers.ETag = S3Xml.Quote(version.ETag);
        headers.LastModified = S3Xml.HttpDate(version.LastModified);
        headers.AcceptRanges = "bytes";
        headers.ContentType = query.Get("response-content-type") ?? attributes.ContentType ?? DefaultContentType;
        SetIfPresent(headers, "Content-Encoding", query.Get("response-content-encoding") ?? attributes.ContentEncoding);
        SetIfPresent(headers, "Content-Language", query.Get("response-content-language") ?? attributes.ContentLanguage);
        SetIfPresent(headers, "Content-Disposition", query.Get("response-content-disposition") ?? attributes.ContentDisposition);
        SetIfPresent(headers, "Cache-Control", query.Get("response-cache-control") ?? attributes.CacheControl);
        SetIfPresent(headers, "Expires", query.Get("response-expires") ?? attributes.Expires);
        SetIfPresent(headers, "x-amz-website-redirect-location", attributes.WebsiteRedirectLocation);
        foreach (var (name, value) in attributes.UserMetadata)
        {
            headers[MetadataPrefix + name] = value;
        }

        if (attributes.StorageClass != ObjectAttributes.DefaultStorageClass)
        {
            headers["x-amz-storage-class"] = attributes.StorageClass;
        }

        if (attributes.Tags.Count > 0)
        {
            headers["x-amz-tagging-count"] = attributes.Tags.Count.ToString(CultureInfo.InvariantCulture);
        }

        WriteEncryptionHeaders(response, attributes);
        WriteVersionHeader(response, bucket, version.VersionId);
    }

    public static void WriteEncryptionHeaders(HttpResponse response, ObjectAttributes attributes)
    {
        response.Headers["x-amz-server-side-encryption"] = attributes.SseAlgorithm;
        if (attributes.SseKmsKeyId is not null)
        {
            response.Headers["x-amz-server-side-encryption-aws-kms-key-id"] = attributes.SseKmsKeyId;
        }

        if (attributes.BucketKeyEnabled)
        {
            response.Headers["x-amz-server-side-encryption-bucket-key-enabled"] = "true";
        }
    }

    /// <summary>x-amz-version-id appears once a bucket has had versioning configured.</summary>
    public static void WriteVersionHeader(HttpResponse response, BucketState bucket, string versionId)
    {
        if (bucket.Versioning != VersioningStatus.Off)
        {
            response.Headers["x-amz-version-id"] = versionId;
        }
    }

    public static void WriteChecksumHeaders(HttpResponse response, StoredChecksum? checksum)
    {
        if (checksum is not null)
        {
            response.Headers[checksum.Algorithm.HeaderName()] = checksum.Value;
            response.Headers["x-amz-checksum-type"] = checksum.Type;
        }
    }

    /// <summary>The 16 bytes of a Content-MD5 header; null when absent; 400 InvalidDigest when malformed.</summary>
    public static byte[]? ParseContentMd5(string? header)
    {
        if (header is null)
        {
            return null;
        }

        var buffer = new byte[18];
        if (!Convert.TryFromBase64String(header.Trim(), buffer, out var written) || written != 16)
        {
            throw S3Errors.InvalidDigest();
        }

        return buffer[..16];
    }

    /// <summary>Parses x-amz-tagging (URL-query form) with S3's limits.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseTagging(string? tagging)
    {
        if (string.IsNullOrEmpty(tagging))
        {
            return [];
        }

        var tags = new List<KeyValuePair<string, string>>();
        foreach (var pair in tagging.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = S3Encoding.Decode(equals < 0 ? pair : pair.AsSpan(0, equals), plusAsSpace: true);
            var value = equals < 0 ? string.Empty : S3Encoding.Decode(pair.AsSpan(equals + 1), plusAsSpace: true);
            tags.Add(new(key, value));
        }

        ValidateTags(tags);
        return tags;
    }

    public static void ValidateTags(IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        if (tags.Count > MaxTags)
        {
            throw S3Errors.InvalidTag("Object tags cannot be greater than 10");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            if (key.Length is 0 or > MaxTagKeyLength)
            {
                throw S3Errors.InvalidTag("The TagKey you have provided is invalid");
            }

            if (value.Length > MaxTagValueLength)
            {
                throw S3Errors.InvalidTag("The TagValue you have provided is invalid");
            }

            if (!seen.Add(key))
            {
                throw S3Errors.InvalidTag("Cannot provide multiple Tags with the same key");
            }
        }
    }

    private static string? Value(HttpRequest request, string name)
    {
        var value = request.Headers[name].ToString();
        return value.Length == 0 ? null : value;
    }

    private static string? StripAwsChunked(string? contentEncoding)
    {
        if (contentEncoding is null)
        {
            return null;
        }

        var kept = contentEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(static e => !e.Equals("aws-chunked", StringComparison.OrdinalIgnoreCase))
            .ToList();
        return kept.Count == 0 ? null : string.Join(", ", kept);
    }

    private static void SetIfPresent(IHeaderDictionary headers, string name, string? value)
    {
        if (value is not null)
        {
            headers[name] = value;
        }
    }
}
