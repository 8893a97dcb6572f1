using Amazon.S3;
using Amazon.S3.Model;
using S3Migrate.Transfer.Checksums;
using S3Migrate.Transfer.Endpoints;

namespace S3Migrate.Transfer.Copy;

/// <summary>
/// Builds the destination's write requests from the source's attributes and the migration's options: everything the
/// source object carries (Content-*, Cache-Control, Expires, user metadata, tags) plus class, encryption and ACL.
/// </summary>
public static class DestinationRequests
{
    /// <summary>S3's own default when an object was stored without a content type.</summary>
    public const string DefaultContentType = "binary/octet-stream";

    public static PutObjectRequest Put(string bucket, string key, SourceObject source, CopyOptions options, IReadOnlyList<Tag> tags)
    {
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            ContentType = source.ContentType ?? DefaultContentType,
            UseChunkEncoding = false,
            AutoCloseStream = true,
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

        return request;
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
