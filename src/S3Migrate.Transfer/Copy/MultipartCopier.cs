using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using S3Migrate.Transfer.Buffers;
using S3Migrate.Transfer.Checksums;
using S3Migrate.Transfer.Endpoints;
using S3Migrate.Transfer.Planning;
using S3Migrate.Transfer.Resume;
using S3Migrate.Transfer.Retry;

namespace S3Migrate.Transfer.Copy;

/// <summary>
/// Large objects: a multipart upload resumed from the parts already at the destination (when its fingerprint matches
/// the plan), missing parts sent in parallel, completion from the destination's own part list, then verification.
/// </summary>
internal sealed partial class MultipartCopier(
    S3Endpoint source, S3Endpoint destination, TransferOptions options, ITransferThrottle throttle, RetryPolicy retries,
    UploadResolver uploads, ILogger logger)
{
    /// <summary>Memory one streamed part is budgeted for (its chunk buffer and what the connections hold).</summary>
    private const long StreamingWindow = 8 * PartSizing.MiB;

    /// <summary>How long an upload that fits one window of parallel parts runs before it is recorded for resuming.</summary>
    private static readonly TimeSpan RecordAfter = TimeSpan.FromSeconds(10);

    /// <summary>Times the part list is reconciled before missing parts count as a failure.</summary>
    private const int MaxRepairRounds = 3;

    public async Task<CopyResult> CopyAsync(CopyContext context, SourceObject src, CancellationToken cancellationToken)
    {
        var preferred = await SourcePartSizeAsync(context, src, cancellationToken);
        var plan = PartPlanner.Plan(src.Size, options.Parts, preferred);
        var declared = DeclaredChecksum(src, context.Request.Options, sameLayoutAsSource: preferred == plan.PartSize);
        return await CopyInPartsAsync(context, src, plan, declared, (uploadId, n, token) => TransferPartAsync(context, src, plan, declared, uploadId, n, token), cancellationToken);
    }

    /// <summary>Same S3, same credentials: CopyObject up to 5 GiB, UploadPartCopy above; no byte passes through us.</summary>
    public async Task<CopyResult> CopyServerSideAsync(CopyContext context, SourceObject src, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (src.Size <= PartSizing.S3MaximumSinglePut)
        {
            context.Progress?.Started(src.Size, 1);
            var copy = new CopyObjectRequest
            {
                SourceBucket = src.Bucket,
                SourceKey = src.Key,
                SourceVersionId = src.VersionId,
                ETagToMatch = CopyContext.Quote(src.ETag),
                DestinationBucket = request.DestinationBucket,
                DestinationKey = request.DestinationKey,
                MetadataDirective = S3MetadataDirective.COPY,
                TaggingDirective = request.Options.CopyTags ? TaggingDirective.COPY : TaggingDirective.REPLACE,
                StorageClass = request.Options.StorageClass ?? (src.StorageClass is { Length: > 0 } kept ? new S3StorageClass(kept) : null),
                ServerSideEncryptionMethod = request.Options.Encryption,
                ServerSideEncryptionKeyManagementServiceKeyId = request.Options.Encryption == ServerSideEncryptionMethod.AWSKMS ? request.Options.KmsKeyId : null,
                CannedACL = request.Options.CannedAcl,
                RequestPayer = context.Payer,
            };
            var response = await retries.ExecuteAsync("CopyObject", destination, token => destination.Client.CopyObjectAsync(copy, token), cancellationToken);
            context.AddBytes(src.Size);
            context.PartsUploaded = 1;
            context.Progress?.PartCompleted(1, src.Size, reused: false);
            var expected = src.ETagIsMd5 && !DestinationRequests.OpaqueETags(request.Options) ? src.ETag : null;
            await VerifyAsync(context, src, expected, checksum: null, cancellationToken);
            return new CopyResult(CopyOutcome.Verified, null)
            {
                Size = src.Size,
                SourceETag = src.ETag,
                SourceVersionId = src.VersionId,
                DestinationETag = SourceObject.Unquote(response.ETag),
                ServerSide = true,
            };
        }

        var preferred = await SourcePartSizeAsync(context, src, cancellationToken);
        var plan = PartPlanner.Plan(src.Size, options.Parts, preferred);
        var result = await CopyInPartsAsync(context, src, plan, declared: null, async (uploadId, n, token) =>
        {
            var (offset, length) = plan.Part(n);
            var response = await retries.ExecuteAsync($"UploadPartCopy {n}", destination, t => destination.Client.CopyPartAsync(new CopyPartRequest
            {
                SourceBucket = src.Bucket,
                SourceKey = src.Key,
                SourceVersionId = src.VersionId,
                ETagToMatch = [CopyContext.Quote(src.ETag)!],
                DestinationBucket = request.DestinationBucket,
                DestinationKey = request.DestinationKey,
                UploadId = uploadId,
                PartNumber = n,
                FirstByte = offset,
                LastByte = offset + length - 1,
                RequestPayer = context.Payer,
            }, t), token);
            context.AddBytes(length);
            Interlocked.Increment(ref context.PartsUploaded);
            context.Progress?.PartCompleted(n, length, reused: false);
            return new PartETag(n, response.ETag);
        }, cancellationToken);
        return result with { ServerSide = true };
    }

    /// <summary>HEADs the destination: the size, the ETag and the checksum must be what was sent.</summary>
    public async Task VerifyAsync(CopyContext context, SourceObject src, string? expectedETag, ChecksumValue? checksum, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var head = await retries.ExecuteAsync("HeadObject (verify)", destination, token => destination.Client.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = request.DestinationBucket,
            Key = request.DestinationKey,
            ChecksumMode = checksum is null ? null : ChecksumMode.ENABLED,
        }, token), cancellationToken);
        if (head.ContentLength != src.Size)
        {
            throw new PermanentTransferException($"verification failed: the destination has {head.ContentLength} bytes, the source {src.Size}");
        }

        if (expectedETag is not null && SourceObject.Unquote(head.ETag) != expectedETag)
        {
            throw new PermanentTransferException($"verification failed: the destination's ETag {SourceObject.Unquote(head.ETag)} is not the expected {expectedETag}");
        }

        if (checksum is { Value.Length: > 0 } && ChecksumFields.Get(head, checksum.Algorithm) is { } stored && stored != checksum.Value)
        {
            throw new PermanentTransferException($"verification failed: the destination's {checksum.Algorithm.Value} is {stored}, expected {checksum.Value}");
        }
    }

    private async Task<CopyResult> CopyInPartsAsync(
        CopyContext context, SourceObject src, TransferPlan plan, ChecksumValue? declared, Func<string, int, CancellationToken, Task<PartETag>> transferPart,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        var fingerprint = new UploadFingerprint(src.ETag, src.VersionId, src.Size, plan.PartSize, declared?.Algorithm.Value, declared?.IsComposite ?? false);
        var target = new UploadTarget(destination.Options.ServiceIdentity, request.DestinationBucket, request.DestinationKey);
        IReadOnlyList<Tag>? tags = null;
        for (var attempt = 0; ; attempt++)
        {
            if (tags is null && request.Options.CopyTags && src.TagCount > 0)
            {
                tags = await ReadTagsAsync(context, src, cancellationToken);
            }

            var upload = await uploads.ResolveAsync(target, fingerprint,
                () => DestinationRequests.CreateUpload(request.DestinationBucket, request.DestinationKey, src, request.Options, tags ?? [], declared),
                cancellationToken);
            var uploadId = upload.UploadId;
            try
            {
                return await FillAndCompleteAsync(context, src, plan, declared, target, upload, transferPart, cancellationToken);
            }
            catch (UploadGoneException e)
            {
                await uploads.ForgetAsync(target, uploadId, cancellationToken);
                if (attempt > 0)
                {
                    throw new PermanentTransferException($"the multipart upload keeps disappearing: {e.Message}");
                }

                LogUploadGone(logger, request, uploadId);
            }
            catch (SourceChangedException)
            {
                // Parts already sent belong to the old version: never let them into the new object.
                await uploads.AbortAsync(target, uploadId, CancellationToken.None);
                throw;
            }
        }
    }

    private async Task<CopyResult> FillAndCompleteAsync(
        CopyContext context, SourceObject src, TransferPlan plan, ChecksumValue? declared, UploadTarget target, ResolvedUpload upload,
        Func<string, int, CancellationToken, Task<PartETag>> transferPart, CancellationToken cancellationToken)
    {
        var (uploadId, resumed, unrecorded) = upload;
        context.Progress?.Started(src.Size, plan.PartCount);
        var listed = resumed ? await ListPartsAsync(target, uploadId, cancellationToken) : [];
        var sent = new ConcurrentDictionary<int, PartETag>();
        var pending = new List<int>();
        foreach (var n in plan.PartNumbers)
        {
            if (Usable(listed, plan, declared, n))
            {
                context.PartsReused++;
                context.Progress?.PartCompleted(n, plan.Part(n).Length, reused: true);
            }
            else
            {
                pending.Add(n);
            }
        }

        if (resumed)
        {
            LogResuming(logger, context.Request, uploadId, context.PartsReused, plan.PartCount);
        }

        // The upload's record (what a restarted copier needs to reuse its parts) is written before the first part
        // when the parts take more than one window of parallel transfers; an upload done in one window is recorded
        // only once it has run for RecordAfter, so a short one costs no write and a kill redoes at most that much.
        var started = Stopwatch.GetTimestamp();
        if (unrecorded is not null && pending.Count > options.MaxPartsPerObject)
        {
            await unrecorded.SaveOnceAsync(cancellationToken);
        }

        for (var round = 0; pending.Count > 0; round++)
        {
            if (round == MaxRepairRounds)
            {
                throw new PermanentTransferException(
                    $"parts {string.Join(',', pending.Take(10))} are still not at the destination after {MaxRepairRounds} rounds");
            }

            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = options.MaxPartsPerObject, CancellationToken = cancellationToken },
                async (n, token) =>
                {
                    sent[n] = await transferPart(uploadId, n, token);
                    if (unrecorded is not null && Stopwatch.GetElapsedTime(started) >= RecordAfter)
                    {
                        await unrecorded.SaveOnceAsync(token);
                    }
                });

            // The destination's own part list is the truth: anything missing or different is sent again.
            listed = await ListPartsAsync(target, uploadId, cancellationToken);
            pending = [.. plan.PartNumbers.Where(n => !Usable(listed, plan, declared, n) ||
                (sent.TryGetValue(n, out var ours) && SourceObject.Unquote(ours.ETag) != SourceObject.Unquote(listed[n].ETag)))];
        }

        var parts = plan.PartNumbers.Select(n => ToPartETag(listed[n], declared)).ToList();
        var opaque = DestinationRequests.OpaqueETags(context.Request.Options);
        var expectedETag = MultipartETag(parts);
        var expectedChecksum = ExpectedChecksum(src, declared, parts);
        var response = await CompleteAsync(context, target, uploadId, src, parts, declared, expectedETag, cancellationToken);
        if (resumed || unrecorded is { Saved: true })
        {
            await uploads.ForgetAsync(target, uploadId, cancellationToken);
        }

        await VerifyAsync(context, src, opaque ? null : expectedETag, expectedChecksum, cancellationToken);
        return new CopyResult(CopyOutcome.Verified, null)
        {
            Size = src.Size,
            SourceETag = src.ETag,
            SourceVersionId = src.VersionId,
            DestinationETag = response is null ? expectedETag : SourceObject.Unquote(response.ETag),
        };
    }

    private async Task<CompleteMultipartUploadResponse?> CompleteAsync(
        CopyContext context, UploadTarget target, string uploadId, SourceObject src, List<PartETag> parts, ChecksumValue? declared,
        string expectedETag, CancellationToken cancellationToken)
    {
        var completion = new CompleteMultipartUploadRequest
        {
            BucketName = target.Bucket,
            Key = target.Key,
            UploadId = uploadId,
            PartETags = parts,
            MpuObjectSize = src.Size,
        };
        if (declared is { IsComposite: false, Value.Length: > 0 })
        {
            // S3 checks the whole object against the source's own checksum before it makes the object visible.
            ChecksumFields.Set(completion, declared);
        }

        var attempts = 0;
        try
        {
            return await retries.ExecuteAsync("CompleteMultipartUpload", destination, token =>
            {
                attempts++;
                return destination.Client.CompleteMultipartUploadAsync(completion, token);
            }, cancellationToken);
        }
        catch (UploadGoneException) when (attempts > 1)
        {
            // An earlier attempt may have completed the upload and only its answer was lost: the object tells.
            var head = await retries.ExecuteAsync("HeadObject (completion)", destination, token =>
                destination.Client.GetObjectMetadataAsync(target.Bucket, target.Key, token), cancellationToken);
            if (SourceObject.Unquote(head.ETag) == expectedETag && head.ContentLength == src.Size)
            {
                return null;
            }

            throw;
        }
    }

    /// <summary>
    /// Sends one part. Where the destination's part ETag is the MD5 of the part, the ranged GET's body streams straight
    /// into UploadPart (<see cref="StreamPartAsync"/>); where ETags are opaque (KMS) the part is buffered, so that it can
    /// carry Content-MD5, unless it is too large to buffer.
    /// </summary>
    private Task<PartETag> TransferPartAsync(
        CopyContext context, SourceObject src, TransferPlan plan, ChecksumValue? declared, string uploadId, int n, CancellationToken cancellationToken)
    {
        var (offset, length) = plan.Part(n);
        var opaque = DestinationRequests.OpaqueETags(context.Request.Options);
        return !opaque || length > options.BufferedPartLimit
            ? StreamPartAsync(context, src, declared, uploadId, n, offset, length, opaque, cancellationToken)
            : BufferPartAsync(context, src, declared, uploadId, n, offset, length, cancellationToken);
    }

    /// <summary>Downloads one part (ranged GET pinned to the source version) into a buffer and uploads it with Content-MD5.</summary>
    private async Task<PartETag> BufferPartAsync(
        CopyContext context, SourceObject src, ChecksumValue? declared, string uploadId, int n, long offset, long length, CancellationToken cancellationToken)
    {
        var request = context.Request;
        using var lease = await throttle.AcquireAsync(length, cancellationToken);
        PartBuffer? buffer = null;
        try
        {
            var (md5, checksum) = await retries.ExecuteAsync($"GetObject (part {n})", source, async token =>
            {
                buffer?.Dispose();
                buffer = new PartBuffer();
                using var response = await source.Data.GetObjectAsync(context.Get(src) with { Range = (offset, length) }, token);
                using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
                using var checksum = ObjectChecksum.TryCreate(declared?.Algorithm);
                await buffer.FillAsync(response.Body, length, span =>
                {
                    md5.AppendData(span);
                    checksum?.Append(span);
                }, token);
                if (buffer.Length != length)
                {
                    throw new IntegrityException($"part {n}: read {buffer.Length} of {length} bytes");
                }

                return (md5.GetHashAndReset(), checksum is null ? null : new ChecksumValue(checksum.Algorithm, checksum.ToBase64(), IsComposite: false));
            }, cancellationToken);

            var md5Base64 = Convert.ToBase64String(md5);
            var response = await retries.ExecuteAsync($"UploadPart {n}", destination, async token =>
            {
                using var body = buffer!.OpenRead();
                return await destination.Data.UploadPartAsync(
                    request.DestinationBucket, request.DestinationKey, uploadId, n, body, length, md5Base64, checksum, token);
            }, cancellationToken);

            return PartSent(context, n, length, response.ETag, checksum);
        }
        finally
        {
            buffer?.Dispose();
        }
    }

    /// <summary>
    /// One part streamed from the ranged GET (pinned to the source version) into UploadPart, in one pass that computes
    /// the upload's checksum (sent as a trailer, which the destination verifies) or, without one, the part's MD5. The
    /// part counts only when exactly the range's bytes went by and, where its MD5 was taken, the destination's ETag is
    /// that MD5; otherwise the range is read again.
    /// </summary>
    private async Task<PartETag> StreamPartAsync(
        CopyContext context, SourceObject src, ChecksumValue? declared, string uploadId, int n, long offset, long length, bool opaque,
        CancellationToken cancellationToken)
    {
        using var lease = await throttle.AcquireAsync(Math.Min(length, StreamingWindow), cancellationToken);
        var request = context.Request;

        // A part with a checksum trailer is checked by the destination itself (S3 refuses a part whose trailer does not
        // match its bytes): our own MD5 of it, the costliest pass over the bytes, is then only taken when asked for.
        var checkMd5 = !opaque && (declared is null || options.Md5WithChecksumTrailer);
        var (etag, checksum) = await retries.ExecuteAsync($"GetObject+UploadPart (part {n})", source, destination, async token =>
        {
            using var response = await source.Data.GetObjectAsync(context.Get(src) with { Range = (offset, length) }, token);
            var body = new StreamedBody(response.Body, length, declared?.Algorithm, md5: checkMd5);
            var uploaded = await destination.Data.UploadPartAsync(request.DestinationBucket, request.DestinationKey, uploadId, n, body, token);
            if (body.BytesSent != length)
            {
                throw new IntegrityException($"part {n}: {body.BytesSent} of {length} bytes were sent");
            }

            if (checkMd5 && SourceObject.Unquote(uploaded.ETag) != Convert.ToHexStringLower(body.Md5!))
            {
                throw new IntegrityException($"part {n}: the destination's ETag does not match the MD5 of the bytes sent");
            }

            return (uploaded.ETag, body.Checksum);
        }, cancellationToken);
        return PartSent(context, n, length, etag, checksum);
    }

    private static PartETag PartSent(CopyContext context, int n, long length, string etag, ChecksumValue? checksum)
    {
        context.AddBytes(length);
        Interlocked.Increment(ref context.PartsUploaded);
        context.Progress?.PartCompleted(n, length, reused: false);
        var part = new PartETag(n, etag);
        if (checksum is not null)
        {
            ChecksumFields.Set(part, checksum);
        }

        return part;
    }

    private async Task<Dictionary<int, PartDetail>> ListPartsAsync(UploadTarget target, string uploadId, CancellationToken cancellationToken)
    {
        var parts = new Dictionary<int, PartDetail>();
        string? marker = null;
        do
        {
            var page = await retries.ExecuteAsync("ListParts", destination, token => destination.Client.ListPartsAsync(new ListPartsRequest
            {
                BucketName = target.Bucket,
                Key = target.Key,
                UploadId = uploadId,
                PartNumberMarker = marker,
            }, token), cancellationToken);
            foreach (var part in page.Parts ?? [])
            {
                parts[part.PartNumber ?? 0] = part;
            }

            marker = page.IsTruncated == true ? page.NextPartNumberMarker?.ToString(CultureInfo.InvariantCulture) : null;
        }
        while (marker is not null);

        return parts;
    }

    /// <summary>
    /// The source's part size when it is multipart and its first part suggests a uniform layout: copying with the same
    /// layout gives the destination the source's ETag (and its composite checksum).
    /// </summary>
    private async Task<long?> SourcePartSizeAsync(CopyContext context, SourceObject src, CancellationToken cancellationToken)
    {
        if (!context.Request.Options.PreserveSourcePartLayout || src.SourcePartCount < 2)
        {
            return null;
        }

        var head = await retries.ExecuteAsync("HeadObject (source part 1)", source, token => source.Client.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = src.Bucket,
            Key = src.Key,
            VersionId = src.VersionId,
            EtagToMatch = CopyContext.Quote(src.ETag),
            PartNumber = 1,
            RequestPayer = context.Payer,
        }, token), cancellationToken);
        var partSize = head.ContentLength;
        return partSize > 0 && PartPlanner.Fits(partSize, src.Size, options.Parts) && (src.Size + partSize - 1) / partSize == src.SourcePartCount
            ? partSize
            : null;
    }

    private async Task<IReadOnlyList<Tag>> ReadTagsAsync(CopyContext context, SourceObject src, CancellationToken cancellationToken)
    {
        var response = await retries.ExecuteAsync("GetObjectTagging", source, token => source.Client.GetObjectTaggingAsync(new GetObjectTaggingRequest
        {
            BucketName = src.Bucket,
            Key = src.Key,
            VersionId = src.VersionId,
            RequestPayer = context.Payer,
        }, token), cancellationToken);
        return response.Tagging ?? [];
    }

    /// <summary>
    /// The checksum the upload declares: the source's full-object CRC (S3 then checks the whole object against it at
    /// completion), the source's composite checksum when the layout is the same, CRC32C when KMS hides MD5 ETags.
    /// Buffered parts carry theirs in a header, streamed parts in a trailer.
    /// </summary>
    private static ChecksumValue? DeclaredChecksum(SourceObject src, CopyOptions copyOptions, bool sameLayoutAsSource)
    {
        if (src.Checksum is { IsComposite: false } full &&
            (full.Algorithm == ChecksumAlgorithm.CRC32 || full.Algorithm == ChecksumAlgorithm.CRC32C || full.Algorithm == ChecksumAlgorithm.CRC64NVME))
        {
            return full;
        }

        if (src.Checksum is { IsComposite: true } composite && sameLayoutAsSource && composite.Algorithm != ChecksumAlgorithm.CRC64NVME)
        {
            return composite;
        }

        return DestinationRequests.OpaqueETags(copyOptions) ? new ChecksumValue(ChecksumAlgorithm.CRC32C, string.Empty, IsComposite: true) : null;
    }

    /// <summary>What the destination's checksum must be once complete (null when there is nothing to compare).</summary>
    private static ChecksumValue? ExpectedChecksum(SourceObject src, ChecksumValue? declared, List<PartETag> parts)
    {
        if (declared is null)
        {
            return null;
        }

        if (!declared.IsComposite)
        {
            return declared.Value.Length > 0 ? declared : null;
        }

        using var hasher = ObjectChecksum.TryCreate(declared.Algorithm)!;
        foreach (var part in parts)
        {
            hasher.Append(Convert.FromBase64String(ChecksumFields.Get(part, declared.Algorithm) ?? string.Empty));
        }

        var computed = hasher.ToBase64() + "-" + parts.Count.ToString(CultureInfo.InvariantCulture);
        if (src.Checksum is { IsComposite: true } stated && stated.Algorithm == declared.Algorithm && stated.Value != computed && declared.Value.Length > 0)
        {
            throw new PermanentTransferException($"the parts' {declared.Algorithm.Value} checksums do not add up to the source's {stated.Value}");
        }

        return new ChecksumValue(declared.Algorithm, computed, IsComposite: true);
    }

    private static bool Usable(Dictionary<int, PartDetail> listed, TransferPlan plan, ChecksumValue? declared, int n) =>
        listed.TryGetValue(n, out var part) && part.Size == plan.Part(n).Length &&
        (declared is null || ChecksumFields.Get(part, declared.Algorithm) is { Length: > 0 });

    private static PartETag ToPartETag(PartDetail part, ChecksumValue? declared)
    {
        var partETag = new PartETag(part.PartNumber ?? 0, part.ETag);
        if (declared is not null && ChecksumFields.Get(part, declared.Algorithm) is { } value)
        {
            ChecksumFields.Set(partETag, declared with { Value = value });
        }

        return partETag;
    }

    /// <summary>MD5 of the concatenated binary part MD5s, then "-N".</summary>
    public static string MultipartETag(IReadOnlyList<PartETag> parts)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        foreach (var part in parts)
        {
            md5.AppendData(Convert.FromHexString(SourceObject.Unquote(part.ETag)));
        }

        return Convert.ToHexStringLower(md5.GetHashAndReset()) + "-" + parts.Count.ToString(CultureInfo.InvariantCulture);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Copy}: resuming upload {UploadId}: {Reused} of {Parts} parts are already at the destination")]
    private static partial void LogResuming(ILogger logger, CopyRequest copy, string uploadId, int reused, int parts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Copy}: upload {UploadId} vanished; starting a new one")]
    private static partial void LogUploadGone(ILogger logger, CopyRequest copy, string uploadId);
}
