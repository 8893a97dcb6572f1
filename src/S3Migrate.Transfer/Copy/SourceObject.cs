using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migrate.Transfer.Checksums;
using S3Migrate.Transfer.Endpoints;

namespace S3Migrate.Transfer.Copy;

/// <summary>What the engine knows about the source version being copied: identity, size, attributes and checksum.</summary>
public sealed record SourceObject
{
    public required string Bucket { get; init; }

    public required string Key { get; init; }

    /// <summary>The version id when the source bucket is versioned (reads are pinned to it); null otherwise.</summary>
    public string? VersionId { get; init; }

    public required long Size { get; init; }

    /// <summary>Unquoted ETag; every read of the source is pinned to it with If-Match.</summary>
    public required string ETag { get; init; }

    public DateTimeOffset? LastModified { get; init; }

    public string? ContentType { get; init; }

    public string? ContentEncoding { get; init; }

    public string? ContentLanguage { get; init; }

    public string? ContentDisposition { get; init; }

    public string? CacheControl { get; init; }

    public string? Expires { get; init; }

    public string? WebsiteRedirectLocation { get; init; }

    /// <summary>User metadata, names without the x-amz-meta- prefix.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; } = [];

    public string? StorageClass { get; init; }

    public int TagCount { get; init; }

    public ChecksumValue? Checksum { get; init; }

    /// <summary>Whether the source's ETag is the MD5 of its bytes (single-part, not KMS/customer-key encrypted).</summary>
    public bool ETagIsMd5 { get; init; }

    /// <summary>Part count of a multipart source (the "-N" of its ETag), or 0.</summary>
    public int SourcePartCount => ETag.LastIndexOf('-') is var dash and > 0 && int.TryParse(ETag.AsSpan(dash + 1), out var n) ? n : 0;

    public bool IsArchived => StorageClass is "GLACIER" or "DEEP_ARCHIVE";

    public static SourceObject From(string bucket, string key, GetObjectMetadataResponse head) => new()
    {
        Bucket = bucket,
        Key = key,
        VersionId = VersionOrNull(head.VersionId),
        Size = head.ContentLength,
        ETag = Unquote(head.ETag),
        LastModified = head.LastModified,
        ContentType = head.Headers.ContentType,
        ContentEncoding = head.Headers.ContentEncoding,
        ContentLanguage = head.Headers.ContentLanguage,
        ContentDisposition = head.Headers.ContentDisposition,
        CacheControl = head.Headers.CacheControl,
        Expires = head.ExpiresString,
        WebsiteRedirectLocation = head.WebsiteRedirectLocation,
        Metadata = ReadMetadata(head.Metadata),
        StorageClass = head.StorageClass?.Value,
        TagCount = head.TagsCount ?? 0,
        Checksum = ChecksumValue.Find(a => ChecksumFields.Get(head, a), head.ChecksumType),
        ETagIsMd5 = IsPlainMd5(head.ETag, head.ServerSideEncryptionMethod),
    };

    public static SourceObject From(string bucket, string key, ObjectGetResponse get) => new()
    {
        Bucket = bucket,
        Key = key,
        VersionId = VersionOrNull(get.VersionId),
        Size = get.ContentLength,
        ETag = Unquote(get.ETag),
        LastModified = get.LastModified,
        ContentType = get.Header("Content-Type"),
        ContentEncoding = get.Header("Content-Encoding"),
        ContentLanguage = get.Header("Content-Language"),
        ContentDisposition = get.Header("Content-Disposition"),
        CacheControl = get.Header("Cache-Control"),
        Expires = get.Header("Expires"),
        WebsiteRedirectLocation = get.Header("x-amz-website-redirect-location"),
        Metadata = get.Metadata(),
        StorageClass = get.Header("x-amz-storage-class"),
        TagCount = int.TryParse(get.Header("x-amz-tagging-count"), NumberStyles.None, CultureInfo.InvariantCulture, out var tags) ? tags : 0,
        Checksum = ChecksumValue.Find(a => get.Header(ChecksumFields.HeaderName(a)), get.Header("x-amz-checksum-type") is { } type ? ChecksumType.FindValue(type) : null),
        ETagIsMd5 = IsPlainMd5(get.ETag, get.Header("x-amz-server-side-encryption") is { } sse ? ServerSideEncryptionMethod.FindValue(sse) : null),
    };

    public static string Unquote(string? etag) => (etag ?? string.Empty).Trim().Trim('"');

    private static string? VersionOrNull(string? versionId) => string.IsNullOrEmpty(versionId) || versionId == "null" ? null : versionId;

    private static bool IsPlainMd5(string? etag, ServerSideEncryptionMethod? sse)
    {
        var value = Unquote(etag);
        return value.Length == 32 && !value.Contains('-', StringComparison.Ordinal) &&
            (sse is null || sse == ServerSideEncryptionMethod.None || sse == ServerSideEncryptionMethod.AES256);
    }

    private static List<KeyValuePair<string, string>> ReadMetadata(MetadataCollection metadata)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var name in metadata.Keys)
        {
            var shortName = name.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase) ? name["x-amz-meta-".Length..] : name;
            result.Add(new(shortName, metadata[name]));
        }

        return result;
    }
}
