using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migrate.Transfer.Checksums;
using S3Migrate.Transfer.Endpoints;
using S3Migrate.Transfer.Signing;

namespace S3Migrate.Transfer.Copy;

/// <summary>
/// Builds the destination's write requests from the source's attributes and the migration's options: everything the
/// source object carries (Content-*, Cache-Control, Expires, user metadata, tags) plus class, encryption and ACL.
/// </summary>
public static class DestinationRequests
{
    /// <summary>S3's own default when an object was stored without a content type.</summary>
    public const string DefaultContentType = "binary/octet-stream";

    /// <summary>
    /// The headers of the destination's PutObject (lowercase names, for <see cref="S3DataClient.PutObjectAsync"/>): the
    /// same attributes <see cref="CreateUpload"/> gives a multipart upload.
    /// </summary>
    public static List<KeyValuePair<string, string>> PutHeaders(SourceObject source, CopyOptions options, IReadOnlyList<Tag> tags)
    {
        var headers = new List<KeyValuePair<string, string>>(8 + source.Metadata.Count)
        {
            new("content-type", source.ContentType ?? DefaultContentType),
        };
        AddIfSet(headers, "content-encoding", source.ContentEncoding);
        AddIfSet(headers, "content-language", source.ContentLanguage);
        AddIfSet(headers, "content-disposition", source.ContentDisposition);
        AddIfSet(headers, "cache-control", source.CacheControl);
        AddIfSet(headers, "expires", source.Expires);
        foreach (var (name, value) in source.Metadata)
        {
            headers.Add(new("x-amz-meta-" + name.ToLowerInvariant(), value));
        }

        AddIfSet(headers, "x-amz-website-redirect-location", source.WebsiteRedirectLocation);
        AddIfSet(headers, "x-amz-storage-class", StorageClass(source, options)?.Value);
        if (options.Encryption is { } encryption && encryption != ServerSideEncryptionMethod.None)
        {
            headers.Add(new("x-amz-server-side-encryption", encryption.Value));
            if (encryption == ServerSideEncryptionMethod.AWSKMS)
            {
                AddIfSet(headers, "x-amz-server-side-encryption-aws-kms-key-id", options.KmsKeyId);
            }
        }

        AddIfSet(headers, "x-amz-acl", options.CannedAcl?.Value);
        if (tags.Count > 0)
        {
            var tagging = new StringBuilder();
            foreach (var tag in tags)
            {
                tagging.Append(tagging.Length == 0 ? "" : "&").Append(S3UriEncoding.Encode(tag.Key)).Append('=').Append(S3UriEncoding.Encode(tag.Value ?? string.Empty));
            }

            headers.Add(new("x-amz-tagging", tagging.ToString()));
        }

        return headers;
    }

    public static InitiateMultipartUploadRequest CreateUpload(
        string bucket, string key, SourceObject source, CopyOptions options, IReadOnlyList<Tag> tags, ChecksumValue? declared)
    {
        var request = new InitiateMultipartUploadRequest
        {
            BucketName = bucket,
            Key = key,
            ContentType = source.ContentType ?? DefaultContentType,
        };
        ApplyHeaders(request.Headers, source);
        ApplyMetadata(request.Metadata, source);
        request.WebsiteRedirectLocation = source.WebsiteRedirectLocation;
        request.StorageClass = StorageClass(source, options);
        request.ServerSideEncryptionMethod = options.Encryption;
        request.ServerSideEncryptionKeyManagementServiceKeyId = options.Encryption == ServerSideEncryptionMethod.AWSKMS ? options.KmsKeyId : null;
        request.CannedACL = options.CannedAcl;
        if (tags.Count > 0)
        {
            request.TagSet = [.. tags];
        }

        if (declared is not null)
        {
            request.ChecksumAlgorithm = declared.Algorithm;
            request.ChecksumType = declared.IsComposite ? ChecksumType.COMPOSITE : ChecksumType.FULL_OBJECT;
        }

        return request;
    }

    /// <summary>True when the destination's ETags will not be MD5s of the bytes (KMS encryption).</summary>
    public static bool OpaqueETags(CopyOptions options) => options.Encryption is { } e && e != ServerSideEncryptionMethod.AES256 && e != ServerSideEncryptionMethod.None;

    private static S3StorageClass? StorageClass(SourceObject source, CopyOptions options) =>
        options.StorageClass ?? (source.StorageClass is { Length: > 0 } kept && kept != "STANDARD" ? new S3StorageClass(kept) : null);

    private static void AddIfSet(List<KeyValuePair<string, string>> headers, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            headers.Add(new(name, value));
        }
    }

    private static void ApplyHeaders(HeadersCollection headers, SourceObject source)
    {
        headers.ContentEncoding = source.ContentEncoding;
        headers.ContentLanguage = source.ContentLanguage;
        headers.ContentDisposition = source.ContentDisposition;
        headers.CacheControl = source.CacheControl;
        if (source.Expires is { Length: > 0 } expires)
        {
            // Set through a stand-in header: the SDK would sign an Expires header and then not send it.
            headers[ExpiresHeaderHandler.StandInHeader] = expires;
        }
    }

    private static void ApplyMetadata(MetadataCollection metadata, SourceObject source)
    {
        foreach (var (name, value) in source.Metadata)
        {
            metadata.Add(name, value);
        }
    }
}
