using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using S3Migrate.LocalS3.Checksums;
using S3Migrate.LocalS3.Protocol;
using S3Migrate.LocalS3.Storage;

namespace S3Migrate.LocalS3.Operations;

/// <summary>PutObject, GetObject, HeadObject, DeleteObject and object tagging.</summary>
public static class ObjectOperations
{
    /// <summary>The largest object a single PUT (or CopyObject) may write: 5 GiB.</summary>
    public const long MaxSinglePutSize = 5L * 1024 * 1024 * 1024;

    public static async Task PutObject(S3Context context)
    {
        var bucket = context.Bucket();
        var key = context.ObjectKey;
        ObjectHeaders.ValidateKey(key);
        var declaredLength = DeclaredLength(context);
        if (declaredLength > MaxSinglePutSize)
        {
            throw S3Errors.EntityTooLarge(MaxSinglePutSize);
        }

        var attributes = ObjectHeaders.ReadAttributes(context.Request);
        var contentMd5 = ObjectHeaders.ParseContentMd5(context.Header("Content-MD5"));
        var checksum = ChecksumRequest.FromRequest(context);
        var condition = Conditions.WriteCondition(context);
        condition?.Invoke(bucket.GetCurrent(key));

        var (blob, md5, checksumValue) = await ReceiveAsync(context, declaredLength, contentMd5, checksum);
        var etag = attributes.SseAlgorithm == ObjectAttributes.DefaultSseAlgorithm ? Convert.ToHexStringLower(md5) : OpaqueETag();
        var stored = new StoredChecksum(checksum?.Algorithm ?? ChecksumAlgorithm.Crc64Nvme, checksumValue, StoredChecksum.FullObject);
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
                ETag = etag,
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

        context.Response.Headers.ETag = S3Xml.Quote(version.ETag);
        ObjectHeaders.WriteVersionHeader(context.Response, bucket, version.VersionId);
        ObjectHeaders.WriteEncryptionHeaders(context.Response, attributes);
        if (checksum is not null)
        {
            ObjectHeaders.WriteChecksumHeaders(context.Response, stored);
        }

        context.Endpoint.Events.ObjectCreated(bucket, "ObjectCreated:Put", version);
    }

    public static Task GetObject(S3Context context) => ServeObject(context, withBody: true);

    public static Task HeadObject(S3Context context) => ServeObject(context, withBody: false);

    public static Task DeleteObject(S3Context context)
    {
        var bucket = context.Bucket();
        var versionId = ReadVersionId(context);
        var outcome = context.Store.Delete(bucket, context.ObjectKey, versionId);
        if (outcome.DeleteMarker is not null || outcome.Removed?.IsDeleteMarker == true)
        {
            context.Response.Headers["x-amz-delete-marker"] = "true";
        }

        if (outcome.VersionId is not null && bucket.Versioning != VersioningStatus.Off)
        {
            context.Response.Headers["x-amz-version-id"] = outcome.VersionId;
        }

        PublishDelete(context, bucket, context.ObjectKey, outcome);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    public static void PublishDelete(S3Context context, BucketState bucket, string key, DeleteOutcome outcome)
    {
        if (outcome.DeleteMarker is { } marker)
        {
            context.Endpoint.Events.ObjectRemoved(bucket, "ObjectRemoved:DeleteMarkerCreated", key, marker.VersionId, marker.Sequence);
        }
        else if (outcome.Removed is { } removed)
        {
            context.Endpoint.Events.ObjectRemoved(bucket, "ObjectRemoved:Delete", key, removed.VersionId, context.Store.NextSequence());
        }
    }

    public static async Task PutObjectTagging(S3Context context)
    {
        var bucket = context.Bucket();
        var document = S3Xml.Parse(await context.ReadDocumentAsync());
        var tags = document.Child("TagSet")?.Children("Tag")
            .Select(static t => new KeyValuePair<string, string>(t.ChildValue("Key") ?? string.Empty, t.ChildValue("Value") ?? string.Empty))
            .ToList() ?? throw S3Errors.MalformedXml();
        ObjectHeaders.ValidateTags(tags);
        var version = context.Store.ReplaceAttributes(bucket, context.ObjectKey, ReadVersionId(context), a => a with { Tags = tags });
        ObjectHeaders.WriteVersionHeader(context.Response, bucket, version.VersionId);
    }

    public static async Task GetObjectTagging(S3Context context)
    {
        var bucket = context.Bucket();
        var version = FindVersion(context, bucket, ReadVersionId(context));
        ObjectHeaders.WriteVersionHeader(context.Response, bucket, version.VersionId);
        await context.Output.WriteXmlAsync(S3Xml.Write("Tagging", w =>
        {
            w.Start("TagSet");
            foreach (var (key, value) in version.Attributes.Tags)
            {
                w.Start("Tag");
                w.Element("Key", key);
                w.Element("Value", value);
                w.WriteEndElement();
            }

            w.WriteEndElement();
        }), context.Aborted);
    }

    public static Task DeleteObjectTagging(S3Context context)
    {
        var bucket = context.Bucket();
        var version = context.Store.ReplaceAttributes(bucket, context.ObjectKey, ReadVersionId(context), static a => a with { Tags = [] });
        ObjectHeaders.WriteVersionHeader(context.Response, bucket, version.VersionId);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Streams the request body into a new blob, checking Content-MD5 and the additional checksum. Returns the blob,
    /// its MD5 and the additional checksum (the requested algorithm, otherwise CRC64NVME as S3 stores by default).
    /// </summary>
    public static async Task<(Blob Blob, byte[] Md5, string Checksum)> ReceiveAsync(
        S3Context context, long? declaredLength, byte[]? contentMd5, ChecksumRequest? checksum)
    {
        using var writer = context.Store.Blobs.CreateWriter(declaredLength);
        using var sink = new HashingSink(writer, checksum?.Algorithm ?? ChecksumAlgorithm.Crc64Nvme);
        var payload = await context.ReadBodyAsync(sink);
        var md5 = sink.Md5();
        if (contentMd5 is not null && !contentMd5.AsSpan().SequenceEqual(md5))
        {
            throw S3Errors.BadDigest();
        }

        var computed = sink.ChecksumBase64()!;
        checksum?.Verify(computed, payload);
        var blob = await writer.CompleteAsync(context.Aborted);
        return (blob, md5, computed);
    }

    /// <summary>The decoded body length a write request declares; 411 when it declares none.</summary>
    public static long DeclaredLength(S3Context context)
    {
        var decoded = context.Header("x-amz-decoded-content-length");
        if (decoded is not null)
        {
            return long.TryParse(decoded, NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                ? length
                : throw S3Errors.InvalidArgument("x-amz-decoded-content-length is not a number.", "x-amz-decoded-content-length", decoded);
        }

        return context.Request.ContentLength ?? throw S3Errors.MissingContentLength();
    }

    /// <summary>The versionId query parameter: absent → null; "null" and our own ids accepted; else 400 InvalidArgument.</summary>
    public static string? ReadVersionId(S3Context context)
    {
        var versionId = context.Query.Get("versionId");
        if (versionId is null)
        {
            return null;
        }

        if (versionId == ObjectVersion.NullVersionId || (versionId.Length == 32 && versionId.All(char.IsAsciiHexDigitLower)))
        {
            return versionId;
        }

        throw S3Errors.InvalidArgument("Invalid version id specified", "versionId", versionId);
    }

    /// <summary>The version a read addresses, with S3's answers for missing keys, versions and delete markers.</summary>
    public static ObjectVersion FindVersion(S3Context context, BucketState bucket, string? versionId)
    {
        var key = context.ObjectKey;
        if (versionId is null)
        {
            var current = bucket.GetCurrent(key) ?? throw S3Errors.NoSuchKey(key);
            if (current.IsDeleteMarker)
            {
                var error = S3Errors.NoSuchKey(key).WithHeader("x-amz-delete-marker", "true");
                if (bucket.Versioning != VersioningStatus.Off)
                {
                    error.WithHeader("x-amz-version-id", current.VersionId);
                }

                throw error;
            }

            return current;
        }

        var version = bucket.GetVersion(key, versionId) ?? throw S3Errors.NoSuchVersion(key, versionId);
        if (version.IsDeleteMarker)
        {
            throw S3Errors.MethodNotAllowed(context.Request.Method)
                .WithHeader("x-amz-delete-marker", "true")
                .WithHeader("x-amz-version-id", version.VersionId)
                .WithHeader("Last-Modified", S3Xml.HttpDate(version.LastModified))
                .WithHeader("Allow", "DELETE");
        }

        return version;
    }

    /// <summary>
    /// Writes bytes of a version from <paramref name="range"/> through <paramref name="write"/>; the version's bytes stay
    /// readable meanwhile even if it is deleted. NoSuchKey if it was deleted before the first byte.
    /// </summary>
    public static async Task CopyRangeAsync(ObjectVersion version, ByteRange range, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, CancellationToken cancellationToken)
    {
        // Deleted between the lookup and now: as if the lookup had come a moment later.
        using var lease = Blob.TryLeaseAll(version.Blobs) ?? throw S3Errors.NoSuchKey(version.Key);
        var offset = range.First;
        var remaining = range.Length;
        var blobStart = 0L;
        foreach (var blob in version.Blobs)
        {
            if (remaining <= 0)
            {
                break;
            }

            var blobEnd = blobStart + blob.Length;
            if (offset < blobEnd)
            {
                var within = offset - blobStart;
                var count = Math.Min(blob.Length - within, remaining);
                await blob.CopyToAsync(within, count, write, cancellationToken);
                offset += count;
                remaining -= count;
            }

            blobStart = blobEnd;
        }
    }

    private static async Task ServeObject(S3Context context, bool withBody)
    {
        var bucket = context.Bucket();
        var version = FindVersion(context, bucket, ReadVersionId(context));
        var partNumberText = context.Query.Get("partNumber");
        var rangeHeader = context.Header("Range");
        if (partNumberText is not null && rangeHeader is not null)
        {
            throw S3Errors.InvalidRequest("Cannot specify both Range header and partNumber query parameter");
        }

        if (withBody && version.Attributes.IsArchived)
        {
            throw S3Errors.InvalidObjectState(version.Attributes.StorageClass);
        }

        Conditions.CheckRead(context, version, context.Store.Now());

        ByteRange? range;
        StoredChecksum? checksum = version.Checksum;
        if (partNumberText is not null)
        {
            var partNumber = context.Query.GetInt("partNumber", 0, 1, 10_000);
            (range, checksum) = PartRange(version, partNumber);
            context.Response.Headers["x-amz-mp-parts-count"] = (version.Parts?.Count ?? 1).ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            range = ByteRange.Parse(rangeHeader, version.Size);
            if (range is not null)
            {
                // A whole-object checksum must not be validated against part of the bytes.
                checksum = null;
            }
        }

        ObjectHeaders.WriteObjectHeaders(context.Response, version, bucket, context.Query);
        if (string.Equals(context.Header("x-amz-checksum-mode"), "ENABLED", StringComparison.OrdinalIgnoreCase))
        {
            ObjectHeaders.WriteChecksumHeaders(context.Response, checksum);
        }

        var served = range ?? new ByteRange(0, version.Size - 1);
        if (range is { } r)
        {
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            context.Response.Headers.ContentRange = $"bytes {r.First}-{r.Last}/{version.Size}";
        }

        context.Response.ContentLength = version.Size == 0 ? 0 : served.Length;
        if (!withBody || version.Size == 0)
        {
            return;
        }

        if (context.Fault == Faults.FaultKind.ResetMidResponse)
        {
            context.Output.AbortAfterBytes = Math.Max(1, served.Length / 2);
        }

        await CopyRangeAsync(version, served, context.Output.WriteAsync, context.Aborted);
    }

    private static (ByteRange Range, StoredChecksum? Checksum) PartRange(ObjectVersion version, int partNumber)
    {
        if (version.Parts is null)
        {
            if (partNumber != 1)
            {
                throw S3Errors.InvalidPartNumber();
            }

            return (new ByteRange(0, version.Size - 1), version.Checksum);
        }

        if (partNumber > version.Parts.Count)
        {
            throw S3Errors.InvalidPartNumber();
        }

        var first = version.Parts.Take(partNumber - 1).Sum(static p => p.Size);
        var part = version.Parts[partNumber - 1];
        return (new ByteRange(first, first + part.Size - 1), part.Checksum);
    }

    /// <summary>SSE-KMS objects carry an ETag that is not the MD5 of their bytes.</summary>
    public static string OpaqueETag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
