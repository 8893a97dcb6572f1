using System.Globalization;
using System.Security.Cryptography;
using S3Migrate.LocalS3.Checksums;
using S3Migrate.LocalS3.Protocol;
using S3Migrate.LocalS3.Storage;

namespace S3Migrate.LocalS3.Operations;

/// <summary>Multipart uploads: create, upload part, list parts, complete, abort and list uploads.</summary>
public static class MultipartOperations
{
    public const int MaxPartNumber = 10_000;
    public const long MaxPartSize = 5L * 1024 * 1024 * 1024;
    public const int MaxListedParts = 1000;
    public const int MaxListedUploads = 1000;

    public static async Task CreateMultipartUpload(S3Context context)
    {
        var bucket = context.Bucket();
        var key = context.ObjectKey;
        ObjectHeaders.ValidateKey(key);
        var attributes = ObjectHeaders.ReadAttributes(context.Request);
        ChecksumAlgorithm? algorithm = null;
        string? checksumType = null;
        if (context.Header("x-amz-checksum-algorithm") is { } algorithmName)
        {
            if (!ChecksumAlgorithms.TryParse(algorithmName, out var parsed))
            {
                throw S3Errors.InvalidRequest($"Checksum algorithm {algorithmName} is not supported.");
            }

            algorithm = parsed;
            checksumType = context.Header("x-amz-checksum-type")?.ToUpperInvariant()
                ?? (parsed == ChecksumAlgorithm.Crc64Nvme ? StoredChecksum.FullObject : StoredChecksum.Composite);
            if (checksumType is not (StoredChecksum.FullObject or StoredChecksum.Composite) ||
                (checksumType == StoredChecksum.FullObject && !parsed.IsCrc()) ||
                (checksumType == StoredChecksum.Composite && parsed == ChecksumAlgorithm.Crc64Nvme))
            {
                throw S3Errors.InvalidRequest($"The {checksumType} checksum type cannot be used with the {parsed.Name()} checksum algorithm.");
            }
        }
        else if (context.Header("x-amz-checksum-type") is not null)
        {
            throw S3Errors.InvalidRequest("x-amz-checksum-type requires x-amz-checksum-algorithm.");
        }

        var upload = context.Store.CreateUpload(bucket, key, attributes, algorithm, checksumType);
        ObjectHeaders.WriteEncryptionHeaders(context.Response, attributes);
        if (algorithm is { } declared)
        {
            context.Response.Headers["x-amz-checksum-algorithm"] = declared.Name();
            context.Response.Headers["x-amz-checksum-type"] = checksumType;
        }

        await context.Output.WriteXmlAsync(S3Xml.Write("InitiateMultipartUploadResult", w =>
        {
            w.Element("Bucket", bucket.Name);
            w.Element("Key", key);
            w.Element("UploadId", upload.UploadId);
        }), context.Aborted);
    }

    public static async Task UploadPart(S3Context context)
    {
        var bucket = context.Bucket();
        var partNumber = ReadPartNumber(context);
        var upload = bucket.GetUpload(context.ObjectKey, context.Query.Get("uploadId")!);
        var declaredLength = ObjectOperations.DeclaredLength(context);
        if (declaredLength > MaxPartSize)
        {
            throw S3Errors.EntityTooLarge(MaxPartSize);
        }

        var contentMd5 = ObjectHeaders.ParseContentMd5(context.Header("Content-MD5"));
        var checksum = ChecksumRequest.FromRequest(context);
        if (upload.ChecksumAlgorithm is { } declared)
        {
            if (checksum is null)
            {
                throw S3Errors.InvalidRequest(
                    $"The upload was created using a {declared.Name().ToLowerInvariant()} checksum. The part {partNumber} was uploaded without a checksum.");
            }

            if (checksum.Algorithm != declared)
            {
                throw S3Errors.InvalidRequest(
                    $"Checksum Type mismatch occurred, expected checksum Type: {declared.Name().ToLowerInvariant()}, actual checksum Type: {checksum.Algorithm.Name().ToLowerInvariant()}");
            }
        }

        var (blob, md5, checksumValue) = await ObjectOperations.ReceiveAsync(context, declaredLength, contentMd5, checksum);
        var partChecksum = checksum is null ? null : new StoredChecksum(checksum.Algorithm, checksumValue, upload.ChecksumType ?? StoredChecksum.FullObject);
        var etag = upload.Attributes.SseAlgorithm == ObjectAttributes.DefaultSseAlgorithm ? Convert.ToHexStringLower(md5) : ObjectOperations.OpaqueETag();
        context.Store.PutPart(bucket, upload, new UploadedPart(partNumber, blob.Length, etag, partChecksum, context.Store.Now(), blob));
        context.Response.Headers.ETag = S3Xml.Quote(etag);
        ObjectHeaders.WriteEncryptionHeaders(context.Response, upload.Attributes);
        if (partChecksum is not null)
        {
            context.Response.Headers[partChecksum.Algorithm.HeaderName()] = partChecksum.Value;
        }
    }

    public static async Task ListParts(S3Context context)
    {
        var bucket = context.Bucket();
        var upload = bucket.GetUpload(context.ObjectKey, context.Query.Get("uploadId")!);
        var maxParts = context.Query.GetInt("max-parts", MaxListedParts, 0, MaxListedParts);
        var marker = context.Query.GetInt("part-number-marker", 0, 0, int.MaxValue);
        var parts = bucket.SnapshotParts(upload).Where(p => p.PartNumber > marker).ToList();
        var page = parts.Take(maxParts).ToList();
        var truncated = parts.Count > page.Count;
        await context.Output.WriteXmlAsync(S3Xml.Write("ListPartsResult", w =>
        {
            w.Element("Bucket", bucket.Name);
            w.Element("Key", upload.Key);
            w.Element("UploadId", upload.UploadId);
            w.Element("PartNumberMarker", marker);
            w.Element("NextPartNumberMarker", page.Count > 0 ? page[^1].PartNumber : marker);
            w.Element("MaxParts", maxParts);
            w.Element("IsTruncated", truncated);
            foreach (var part in page)
            {
                w.Start("Part");
                w.Element("PartNumber", part.PartNumber);
                w.Element("LastModified", S3Xml.Timestamp(part.LastModified));
                w.Element("ETag", S3Xml.Quote(part.ETag));
                w.Element("Size", part.Size);
                if (part.Checksum is { } checksum)
                {
                    w.Element(checksum.Algorithm.ElementName(), checksum.Value);
                }

                w.WriteEndElement();
            }

            WriteOwner(w, "Initiator");
            WriteOwner(w, "Owner");
            w.Element("StorageClass", upload.Attributes.StorageClass);
            w.Element("ChecksumAlgorithm", upload.ChecksumAlgorithm?.Name());
            w.Element("ChecksumType", upload.ChecksumType);
        }), context.Aborted);
    }

    public static async Task CompleteMultipartUpload(S3Context context)
    {
        var bucket = context.Bucket();
        var key = context.ObjectKey;
        var upload = bucket.GetUpload(key, context.Query.Get("uploadId")!);
        var condition = Conditions.WriteCondition(context);
        var document = S3Xml.Parse(await context.ReadDocumentAsync(checksumHeadersDescribeBody: false));
        var requested = document.Children("Part").Select(ParseRequestedPart).ToList();
        if (requested.Count == 0)
        {
            throw S3Errors.MalformedXml();
        }

        for (var i = 1; i < requested.Count; i++)
        {
            if (requested[i].PartNumber <= requested[i - 1].PartNumber)
            {
                throw S3Errors.InvalidPartOrder();
            }
        }

        var stored = bucket.SnapshotParts(upload).ToDictionary(static p => p.PartNumber);
        var parts = new List<UploadedPart>(requested.Count);
        foreach (var request in requested)
        {
            if (!stored.TryGetValue(request.PartNumber, out var part) || S3Xml.Unquote(request.ETag) != part.ETag)
            {
                throw S3Errors.InvalidPart(
                    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.")
                    .With("PartNumber", request.PartNumber.ToString(CultureInfo.InvariantCulture))
                    .With("ETag", request.ETag);
            }

            CheckPartChecksum(upload, part, request);
            parts.Add(part);
        }

        var minimum = context.Endpoint.Options.MinPartSize;
        for (var i = 0; i < parts.Count - 1; i++)
        {
            if (parts[i].Size < minimum)
            {
                throw S3Errors.EntityTooSmall(minimum, parts[i].Size)
                    .With("PartNumber", parts[i].PartNumber.ToString(CultureInfo.InvariantCulture))
                    .With("ETag", S3Xml.Quote(parts[i].ETag));
            }
        }

        var size = parts.Sum(static p => p.Size);
        if (context.Header("x-amz-mp-object-size") is { } declaredSize &&
            (!long.TryParse(declaredSize, NumberStyles.None, CultureInfo.InvariantCulture, out var declared) || declared != size))
        {
            throw S3Errors.InvalidRequest($"The provided 'x-amz-mp-object-size' header value {declaredSize} does not match what was computed: {size}");
        }

        var etag = MultipartETag(parts.Select(static p => p.ETag));
        var checksum = await ObjectChecksumAsync(context, upload, parts);
        if (checksum is not null && context.Header(checksum.Algorithm.HeaderName()) is { } stated && stated != checksum.Value)
        {
            throw S3Errors.BadDigest($"The {checksum.Algorithm.Name()} you specified for the object did not match the calculated checksum.");
        }
        var version = context.Store.CompleteUpload(bucket, upload, parts, (versionId, sequence) => new ObjectVersion
        {
            Key = key,
            VersionId = versionId,
            Sequence = sequence,
            LastModified = context.Store.Now(),
            Size = size,
            ETag = etag,
            Attributes = upload.Attributes,
            Checksum = checksum,
            Blobs = [.. parts.Select(static p => p.Blob)],
            Parts = [.. parts.Select(static p => new PartRecord(p.PartNumber, p.Size, p.ETag, p.Checksum))],
        }, condition);

        ObjectHeaders.WriteVersionHeader(context.Response, bucket, version.VersionId);
        ObjectHeaders.WriteEncryptionHeaders(context.Response, upload.Attributes);
        context.Endpoint.Events.ObjectCreated(bucket, "ObjectCreated:CompleteMultipartUpload", version);
        await context.Output.WriteXmlAsync(S3Xml.Write("CompleteMultipartUploadResult", w =>
        {
            w.Element("Location", $"{context.Request.Scheme}://{context.Request.Host}/{bucket.Name}/{S3Encoding.UriEncode(key, keepSlash: true)}");
            w.Element("Bucket", bucket.Name);
            w.Element("Key", key);
            w.Element("ETag", S3Xml.Quote(etag));
            if (checksum is not null)
            {
                w.Element(checksum.Algorithm.ElementName(), checksum.Value);
                w.Element("ChecksumType", checksum.Type);
            }
        }), context.Aborted);
    }

    public static Task AbortMultipartUpload(S3Context context)
    {
        context.Store.AbortUpload(context.Bucket(), context.ObjectKey, context.Query.Get("uploadId")!);
        context.Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    public static async Task ListMultipartUploads(S3Context context)
    {
        var bucket = context.Bucket();
        var prefix = context.Query.Get("prefix") ?? string.Empty;
        var delimiter = NullIfEmpty(context.Query.Get("delimiter"));
        var keyMarker = NullIfEmpty(context.Query.Get("key-marker"));
        var uploadIdMarker = keyMarker is null ? null : NullIfEmpty(context.Query.Get("upload-id-marker"));
        var maxUploads = context.Query.GetInt("max-uploads", MaxListedUploads, 0, MaxListedUploads);
        var encode = ListingEncoding.Read(context.Query);

        var uploads = new List<MultipartUpload>();
        var prefixes = new List<string>();
        var truncated = false;
        string? lastKey = null, lastUploadId = null, lastPrefix = null;
        lock (bucket.Sync)
        {
            var start = keyMarker is not null && Utf8KeyComparer.Instance.Compare(keyMarker, prefix) > 0 ? keyMarker : prefix;
            foreach (var upload in bucket.UploadsFrom(start))
            {
                if (!upload.Key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    break;
                }

                if (keyMarker is not null)
                {
                    var order = Utf8KeyComparer.Instance.Compare(upload.Key, keyMarker);
                    if (order < 0 || (order == 0 && (uploadIdMarker is null || string.CompareOrdinal(upload.UploadId, uploadIdMarker) <= 0)))
                    {
                        continue;
                    }
                }

                string? commonPrefix = null;
                if (delimiter is not null)
                {
                    var index = upload.Key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                    if (index >= 0)
                    {
                        commonPrefix = upload.Key[..(index + delimiter.Length)];
                        if (commonPrefix == lastPrefix || (keyMarker is not null && keyMarker.StartsWith(commonPrefix, StringComparison.Ordinal)))
                        {
                            continue;
                        }
                    }
                }

                if (uploads.Count + prefixes.Count == maxUploads)
                {
                    truncated = true;
                    break;
                }

                if (commonPrefix is not null)
                {
                    prefixes.Add(commonPrefix);
                    lastPrefix = commonPrefix;
                    lastKey = commonPrefix;
                    lastUploadId = null;
                }
                else
                {
                    uploads.Add(upload);
                    lastKey = upload.Key;
                    lastUploadId = upload.UploadId;
                }
            }
        }

        await context.Output.WriteXmlAsync(S3Xml.Write("ListMultipartUploadsResult", w =>
        {
            w.Element("Bucket", bucket.Name);
            w.Element("KeyMarker", encode(keyMarker ?? string.Empty));
            w.Element("UploadIdMarker", uploadIdMarker ?? string.Empty);
            if (truncated)
            {
                w.Element("NextKeyMarker", encode(lastKey!));
                w.Element("NextUploadIdMarker", lastUploadId ?? string.Empty);
            }

            w.Element("Delimiter", delimiter is null ? null : encode(delimiter));
            w.Element("Prefix", encode(prefix));
            w.Element("EncodingType", context.Query.Get("encoding-type"));
            w.Element("MaxUploads", maxUploads);
            w.Element("IsTruncated", truncated);
            foreach (var upload in uploads)
            {
                w.Start("Upload");
                w.Element("Key", encode(upload.Key));
                w.Element("UploadId", upload.UploadId);
                WriteOwner(w, "Initiator");
                WriteOwner(w, "Owner");
                w.Element("StorageClass", upload.Attributes.StorageClass);
                w.Element("Initiated", S3Xml.Timestamp(upload.Initiated));
                if (upload.ChecksumAlgorithm is { } algorithm)
                {
                    w.Element("ChecksumAlgorithm", algorithm.Name());
                    w.Element("ChecksumType", upload.ChecksumType);
                }

                w.WriteEndElement();
            }

            foreach (var commonPrefix in prefixes)
            {
                w.Start("CommonPrefixes");
                w.Element("Prefix", encode(commonPrefix));
                w.WriteEndElement();
            }
        }), context.Aborted);
    }

    public static int ReadPartNumber(S3Context context)
    {
        var text = context.Query.Get("partNumber");
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var partNumber) || partNumber is < 1 or > MaxPartNumber)
        {
            throw S3Errors.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", text);
        }

        return partNumber;
    }

    /// <summary>The ETag of a multipart object: MD5 of the concatenated binary part MD5s, then "-N".</summary>
    public static string MultipartETag(IEnumerable<string> partETags)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var count = 0;
        foreach (var etag in partETags)
        {
            md5.AppendData(Convert.FromHexString(etag));
            count++;
        }

        return Convert.ToHexStringLower(md5.GetHashAndReset()) + "-" + count.ToString(CultureInfo.InvariantCulture);
    }

    private static void CheckPartChecksum(MultipartUpload upload, UploadedPart part, RequestedPart request)
    {
        foreach (var (algorithm, value) in request.Checksums)
        {
            if (part.Checksum is null || part.Checksum.Algorithm != algorithm || part.Checksum.Value != value)
            {
                throw S3Errors.InvalidPart($"The {algorithm.Name()} checksum of part {part.PartNumber} does not match the uploaded part.");
            }
        }

        if (upload.ChecksumAlgorithm is { } declared && upload.ChecksumType == StoredChecksum.Composite &&
            !request.Checksums.Any(c => c.Algorithm == declared))
        {
            throw S3Errors.InvalidPart($"The upload was created using a {declared.Name()} checksum; part {part.PartNumber} lists none.");
        }
    }

    /// <summary>COMPOSITE: hash of the concatenated part digests, "-N"; FULL_OBJECT: the CRC of all bytes.</summary>
    private static async Task<StoredChecksum?> ObjectChecksumAsync(S3Context context, MultipartUpload upload, List<UploadedPart> parts)
    {
        if (upload.ChecksumAlgorithm is not { } algorithm)
        {
            return null;
        }

        using var hasher = new ChecksumHasher(algorithm);
        if (upload.ChecksumType == StoredChecksum.Composite)
        {
            foreach (var part in parts)
            {
                hasher.Append(Convert.FromBase64String(part.Checksum!.Value));
            }

            return new StoredChecksum(algorithm, hasher.GetBase64() + "-" + parts.Count.ToString(CultureInfo.InvariantCulture), StoredChecksum.Composite);
        }

        foreach (var part in parts)
        {
            // A part replaced (and its blob deleted) meanwhile fails the completion as the store would a moment later.
            using var lease = part.Blob.TryLease() ?? throw S3Errors.InvalidPart($"Part {part.PartNumber} changed while the upload was being completed.");
            await part.Blob.CopyToAsync(0, part.Blob.Length, (data, _) =>
            {
                hasher.Append(data.Span);
                return ValueTask.CompletedTask;
            }, context.Aborted);
        }

        return new StoredChecksum(algorithm, hasher.GetBase64(), StoredChecksum.FullObject);
    }

    private static RequestedPart ParseRequestedPart(System.Xml.Linq.XElement element)
    {
        if (!int.TryParse(element.ChildValue("PartNumber"), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ||
            element.ChildValue("ETag") is not { } etag)
        {
            throw S3Errors.MalformedXml();
        }

        var checksums = new List<(ChecksumAlgorithm, string)>();
        foreach (var algorithm in ChecksumAlgorithms.All)
        {
            if (element.ChildValue(algorithm.ElementName()) is { } value)
            {
                checksums.Add((algorithm, value));
            }
        }

        return new RequestedPart(number, etag, checksums);
    }

    private static void WriteOwner(System.Xml.XmlWriter writer, string element)
    {
        writer.Start(element);
        writer.Element("ID", LocalS3Owner.Id);
        writer.Element("DisplayName", LocalS3Owner.DisplayName);
        writer.WriteEndElement();
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private sealed record RequestedPart(int PartNumber, string ETag, IReadOnlyList<(ChecksumAlgorithm Algorithm, string Value)> Checksums);
}
