using S3Migrate.LocalS3.Checksums;
using S3Migrate.LocalS3.Protocol;
using S3Migrate.LocalS3.Storage;

namespace S3Migrate.LocalS3.Operations;

/// <summary>Server-side copies: CopyObject and UploadPartCopy.</summary>
public static class CopyOperations
{
    public static async Task CopyObject(S3Context context)
    {
        var bucket = context.Bucket();
        var key = context.ObjectKey;
        ObjectHeaders.ValidateKey(key);
        var source = CopySource.Resolve(context, context.Header("x-amz-copy-source")!);
        if (source.Version.Size > ObjectOperations.MaxSinglePutSize)
        {
            throw S3Errors.InvalidRequest(
                $"The specified copy source is larger than the maximum allowable size for a copy source: {ObjectOperations.MaxSinglePutSize}");
        }

        var metadataDirective = context.Header("x-amz-metadata-directive") ?? "COPY";
        var taggingDirective = context.Header("x-amz-tagging-directive") ?? "COPY";
        if (metadataDirective is not ("COPY" or "REPLACE"))
        {
            throw S3Errors.InvalidArgument("Unknown metadata directive.", "x-amz-metadata-directive", metadataDirective);
        }

        if (taggingDirective is not ("COPY" or "REPLACE"))
        {
            throw S3Errors.InvalidArgument("Unknown tagging directive.", "x-amz-tagging-directive", taggingDirective);
        }

        var requested = ObjectHeaders.ReadAttributes(context.Request);
        var sourceAttributes = source.Version.Attributes;
        var attributes = metadataDirective == "REPLACE"
            ? requested with { Tags = sourceAttributes.Tags }
            : sourceAttributes with
            {
                StorageClass = requested.StorageClass,
                SseAlgorithm = requested.SseAlgorithm,
                SseKmsKeyId = requested.SseKmsKeyId,
                BucketKeyEnabled = requested.BucketKeyEnabled,
                WebsiteRedirectLocation = requested.WebsiteRedirectLocation,
            };
        attributes = attributes with { Tags = taggingDirective == "REPLACE" ? requested.Tags : sourceAttributes.Tags };

        var sameObject = source.Bucket == bucket && source.Version.Key == key;
        if (sameObject && metadataDirective == "COPY" && context.Header("x-amz-storage-class") is null &&
            context.Header("x-amz-server-side-encryption") is null && context.Header("x-amz-website-redirect-location") is null)
        {
            throw S3Errors.InvalidRequest(
                "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
        }

        var algorithm = ChecksumAlgorithms.TryParse(context.Header("x-amz-checksum-algorithm"), out var a) ? a
            : source.Version.Checksum?.Algorithm ?? ChecksumAlgorithm.Crc64Nvme;
        var condition = Conditions.WriteCondition(context);
        var (blob, md5, checksum) = await CopyBytesAsync(context, source.Version, new ByteRange(0, source.Version.Size - 1), algorithm);
        var stored = new StoredChecksum(algorithm, checksum, StoredChecksum.FullObject);
        ObjectVersion version;
        try
        {
            version = context.Store.Commit(bucket, key, (versionId, sequence) => new ObjectVersion
            {
                Key = key,
                VersionId = versionId,
                Sequence = sequence,
                LastModified = context.Store.Now(),
                Size = blob.Length,
                ETag = attributes.SseAlgorithm == ObjectAttributes.DefaultSseAlgorithm ? Convert.ToHexStringLower(md5) : ObjectOperations.OpaqueETag(),
                Attributes = attributes,
                Checksum = stored,
                Blobs = [blob],
            }, condition);
        }
        catch
        {
            blob.Delete();
            throw;
        }

        source.WriteVersionHeader(context);
        ObjectHeaders.WriteVersionHeader(context.Response, bucket, version.VersionId);
        ObjectHeaders.WriteEncryptionHeaders(context.Response, attributes);
        context.Endpoint.Events.ObjectCreated(bucket, "ObjectCreated:Copy", version);
        await context.Output.WriteXmlAsync(S3Xml.Write("CopyObjectResult", w =>
        {
            w.Element("ETag", S3Xml.Quote(version.ETag));
            w.Element("LastModified", S3Xml.Timestamp(version.LastModified));
            w.Element(stored.Algorithm.ElementName(), stored.Value);
            w.Element("ChecksumType", stored.Type);
        }), context.Aborted);
    }

    public static async Task UploadPartCopy(S3Context context)
    {
        var bucket = context.Bucket();
        var partNumber = MultipartOperations.ReadPartNumber(context);
        var upload = bucket.GetUpload(context.ObjectKey, context.Query.Get("uploadId")!);
        var source = CopySource.Resolve(context, context.Header("x-amz-copy-source")!);
        var rangeHeader = context.Header("x-amz-copy-source-range");
        var range = rangeHeader is null
            ? new ByteRange(0, source.Version.Size - 1)
            : ByteRange.ParseCopySourceRange(rangeHeader, source.Version.Size);
        if (range.Length > MultipartOperations.MaxPartSize)
        {
            throw S3Errors.EntityTooLarge(MultipartOperations.MaxPartSize);
        }

        var algorithm = upload.ChecksumAlgorithm ?? ChecksumAlgorithm.Crc64Nvme;
        var (blob, md5, checksum) = await CopyBytesAsync(context, source.Version, range, algorithm);
        var partChecksum = upload.ChecksumAlgorithm is null ? null : new StoredChecksum(algorithm, checksum, upload.ChecksumType!);
        var etag = upload.Attributes.SseAlgorithm == ObjectAttributes.DefaultSseAlgorithm ? Convert.ToHexStringLower(md5) : ObjectOperations.OpaqueETag();
        var part = new UploadedPart(partNumber, blob.Length, etag, partChecksum, context.Store.Now(), blob);
        context.Store.PutPart(bucket, upload, part);
        source.WriteVersionHeader(context);
        ObjectHeaders.WriteEncryptionHeaders(context.Response, upload.Attributes);
        await context.Output.WriteXmlAsync(S3Xml.Write("CopyPartResult", w =>
        {
            w.Element("ETag", S3Xml.Quote(part.ETag));
            w.Element("LastModified", S3Xml.Timestamp(part.LastModified));
            if (partChecksum is not null)
            {
                w.Element(partChecksum.Algorithm.ElementName(), partChecksum.Value);
            }
        }), context.Aborted);
    }

    private static async Task<(Blob Blob, byte[] Md5, string Checksum)> CopyBytesAsync(
        S3Context context, ObjectVersion source, ByteRange range, ChecksumAlgorithm algorithm)
    {
        using var writer = context.Store.Blobs.CreateWriter(range.Length);
        using var sink = new HashingSink(writer, algorithm);
        if (range.Length > 0)
        {
            await ObjectOperations.CopyRangeAsync(source, range, sink.WriteAsync, context.Aborted);
        }

        var blob = await writer.CompleteAsync(context.Aborted);
        return (blob, sink.Md5(), sink.ChecksumBase64()!);
    }
}
