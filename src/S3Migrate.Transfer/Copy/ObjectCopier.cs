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
/// Copies one object from a source endpoint to a destination endpoint and checks the result: a single GET→PUT with
/// Content-MD5 for small objects; a resumable multipart upload (ranged GETs pinned to the source version, parts with
/// Content-MD5, completion from the destination's own part list, ETag and checksum verification) for large ones;
/// server-side copy when both ends are the same S3 with the same credentials.
/// </summary>
public sealed partial class ObjectCopier
{
    private readonly S3Endpoint _source;
    private readonly S3Endpoint _destination;
    private readonly TransferOptions _options;
    private readonly ITransferThrottle _throttle;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly UploadResolver _uploads;
    private readonly MultipartCopier _multipart;
    private readonly SharedDeadlines _objectDeadlines;

    public ObjectCopier(
        S3Endpoint source, S3Endpoint destination, TransferOptions options, IUploadStateStore uploadState, ITransferThrottle throttle,
        ILogger<ObjectCopier> logger, TimeProvider? time = null)
    {
        if (options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _source = source;
        _destination = destination;
        _options = options;
        _throttle = throttle;
        _time = time ?? TimeProvider.System;
        _logger = logger;
        Retries = new RetryPolicy(options.Retry, _time, logger);
        _uploads = new UploadResolver(destination, uploadState, Retries, _time, logger);
        _multipart = new MultipartCopier(source, destination, options, throttle, Retries, _uploads, logger);
        _objectDeadlines = new SharedDeadlines(options.ObjectTimeout, _time);
    }

    /// <summary>The retry policy, whose <see cref="RetryPolicy.Retrying"/> event feeds metrics.</summary>
    public RetryPolicy Retries { get; }

    public async Task<CopyResult> CopyAsync(CopyRequest request, ICopyProgress? progress = null, CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        var timeout = _objectDeadlines.Next();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout);
        var context = new CopyContext(request, progress);
        using var keys = ObjectKeyScope.Enter((request.SourceBucket, request.SourceKey), (request.DestinationBucket, request.DestinationKey));
        CopyResult result;
        try
        {
            result = await CopyWithRestartsAsync(context, linked.Token);
        }
        catch (PermanentTransferException e)
        {
            result = new CopyResult(CopyOutcome.Failed, e.Message);
        }
        catch (ObjectTooLargeException e)
        {
            result = new CopyResult(CopyOutcome.Failed, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = new CopyResult(CopyOutcome.Cancelled, "cancelled; the parts uploaded so far are kept for resume");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            result = new CopyResult(CopyOutcome.TimedOut, $"not finished within {_options.ObjectTimeout}; the parts uploaded so far are kept for resume");
        }

        if (result.Outcome != CopyOutcome.Verified)
        {
            LogCopyNotVerified(_logger, request, result.Outcome, result.Reason ?? string.Empty);
        }

        return result with
        {
            BytesTransferred = Interlocked.Read(ref context.BytesTransferred),
            PartsUploaded = context.PartsUploaded,
            PartsReused = context.PartsReused,
            SourceChanged = context.SourceChanged,
            Elapsed = _time.GetElapsedTime(started),
        };
    }

    private async Task<CopyResult> CopyWithRestartsAsync(CopyContext context, CancellationToken cancellationToken)
    {
        for (var restart = 0; ; restart++)
        {
            try
            {
                return await CopyOnceAsync(context, cancellationToken);
            }
            catch (SourceChangedException e)
            {
                if (restart >= _options.MaxSourceRestarts)
                {
                    throw new PermanentTransferException($"the source changed {restart + 1} times during the copy; last: {e.Message}");
                }

                LogSourceChanged(_logger, context.Request, e.Message);
                context.SourceChanged = true;
                context.ExpectedETag = null;
                context.ExpectedSize = null;
            }
        }
    }

    private async Task<CopyResult> CopyOnceAsync(CopyContext context, CancellationToken cancellationToken)
    {
        var serverSide = context.Request.Options.AllowServerSideCopy && _source.CanCopyServerSideTo(_destination);
        if (!serverSide && context.ExpectedSize is { } size && size <= _options.Parts.SmallObjectThreshold)
        {
            // Small objects skip the HEAD: the GET returns the attributes, pinned to the listed ETag.
            var copied = await TryCopySinglePartAsync(context, cancellationToken);
            if (copied.Result is { } done)
            {
                return done;
            }

            return await CopyLargeAsync(context, copied.Source!, serverSide, cancellationToken);
        }

        var source = await HeadSourceAsync(context, cancellationToken);
        if (serverSide)
        {
            return await _multipart.CopyServerSideAsync(context, source, cancellationToken);
        }

        if (source.Size <= _options.Parts.SmallObjectThreshold)
        {
            context.ExpectedETag = source.ETag;
            var copied = await TryCopySinglePartAsync(context, cancellationToken);
            return copied.Result ?? await CopyLargeAsync(context, copied.Source!, serverSide, cancellationToken);
        }

        return await CopyLargeAsync(context, source, serverSide, cancellationToken);
    }

    private Task<CopyResult> CopyLargeAsync(CopyContext context, SourceObject source, bool serverSide, CancellationToken cancellationToken) =>
        serverSide ? _multipart.CopyServerSideAsync(context, source, cancellationToken) : _multipart.CopyAsync(context, source, cancellationToken);

    private async Task<SourceObject> HeadSourceAsync(CopyContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var head = await Retries.ExecuteAsync("HeadObject (source)", _source, token => _source.Client.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = request.SourceBucket,
            Key = request.SourceKey,
            VersionId = request.SourceVersionId,
            EtagToMatch = CopyContext.Quote(context.ExpectedETag),
            ChecksumMode = ChecksumMode.ENABLED,
            RequestPayer = context.Payer,
        }, token), cancellationToken);
        var source = SourceObject.From(request.SourceBucket, request.SourceKey, head);
        if (source.IsArchived && head.RestoreExpiration is null)
        {
            throw new PermanentTransferException(
                $"InvalidObjectState: s3://{request.SourceBucket}/{request.SourceKey} is in {source.StorageClass}; restore it before migrating");
        }

        return source;
    }

    /// <summary>
    /// GET the whole object into a buffer (MD5 and the source's checksum computed on the way), then one PUT with
    /// Content-MD5. Returns the source instead of a result when the object turned out too large for one PUT.
    /// </summary>
    private async Task<(CopyResult? Result, SourceObject? Source)> TryCopySinglePartAsync(CopyContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        using var lease = await _throttle.AcquireAsync(Math.Max(1, context.ExpectedSize ?? _options.Parts.SmallObjectThreshold), cancellationToken);
        PartBuffer? buffer = null;
        try
        {
            var (source, md5, checksum) = await Retries.ExecuteAsync("GetObject", _source, async token =>
            {
                buffer?.Dispose();
                buffer = new PartBuffer();
                using var response = await _source.Data.GetObjectAsync(context.Get(null) with { WithChecksum = true }, token);
                var source = SourceObject.From(request.SourceBucket, request.SourceKey, response);
                if (source.Size > _options.Parts.SmallObjectThreshold)
                {
                    return (source, (byte[]?)null, (ChecksumValue?)null);
                }

                using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
                using var checksum = ObjectChecksum.TryCreate(CarriedChecksum(source, request.Options)?.Algorithm);
                await buffer.FillAsync(response.Body, source.Size, span =>
                {
                    md5.AppendData(span);
                    checksum?.Append(span);
                }, token);
                if (buffer.Length != source.Size)
                {
                    throw new IntegrityException($"read {buffer.Length} of {source.Size} bytes of the source");
                }

                var digest = md5.GetHashAndReset();
                if (source.ETagIsMd5 && Convert.ToHexStringLower(digest) != source.ETag)
                {
                    throw new IntegrityException("the bytes read do not match the source's ETag");
                }

                var computed = checksum is null ? null : new ChecksumValue(checksum.Algorithm, checksum.ToBase64(), IsComposite: false);
                if (computed is not null && source.Checksum is { IsComposite: false } stated && stated.Algorithm == computed.Algorithm && stated.Value != computed.Value)
                {
                    throw new IntegrityException($"the bytes read do not match the source's {stated.Algorithm.Value} checksum");
                }

                return (source, (byte[]?)digest, computed);
            }, cancellationToken);

            if (md5 is null)
            {
                return (null, source);
            }

            context.Progress?.Started(source.Size, 1);
            var tags = await ReadTagsAsync(context, source, cancellationToken);
            var md5Hex = Convert.ToHexStringLower(md5);
            var md5Base64 = Convert.ToBase64String(md5);
            var headers = DestinationRequests.PutHeaders(source, request.Options, tags);
            var opaque = DestinationRequests.OpaqueETags(request.Options);
            var put = await Retries.ExecuteAsync("PutObject", _destination, async token =>
            {
                using var body = buffer!.OpenRead();
                var response = await _destination.Data.PutObjectAsync(
                    request.DestinationBucket, request.DestinationKey, body, buffer.Length, md5Base64, checksum, headers, token);
                if (!opaque && SourceObject.Unquote(response.ETag) != md5Hex)
                {
                    throw new IntegrityException("the destination's ETag does not match the MD5 of the bytes sent");
                }

                return response;
            }, cancellationToken);

            context.AddBytes(source.Size);
            context.PartsUploaded = 1;
            context.Progress?.PartCompleted(1, source.Size, reused: false);
            if (request.Options.VerifySinglePartWithHead)
            {
                await _multipart.VerifyAsync(context, source, md5Hex, checksum, cancellationToken);
            }

            return (new CopyResult(CopyOutcome.Verified, null)
            {
                Size = source.Size,
                SourceETag = source.ETag,
                SourceVersionId = source.VersionId,
                DestinationETag = SourceObject.Unquote(put.ETag),
            }, source);
        }
        finally
        {
            buffer?.Dispose();
        }
    }

    /// <summary>The tags to give the destination (one extra request, only for tagged sources).</summary>
    internal async Task<IReadOnlyList<Tag>> ReadTagsAsync(CopyContext context, SourceObject source, CancellationToken cancellationToken)
    {
        if (!context.Request.Options.CopyTags || source.TagCount == 0)
        {
            return [];
        }

        var response = await Retries.ExecuteAsync("GetObjectTagging", _source, token => _source.Client.GetObjectTaggingAsync(new GetObjectTaggingRequest
        {
            BucketName = source.Bucket,
            Key = source.Key,
            VersionId = source.VersionId,
            RequestPayer = context.Payer,
        }, token), cancellationToken);
        return response.Tagging ?? [];
    }

    /// <summary>
    /// The checksum the destination gets so S3 checks the bytes on arrival: the source's own full-object checksum when
    /// it has one, CRC32C when KMS makes ETags useless for verification, otherwise none (the MD5 ETag suffices).
    /// </summary>
    internal static ChecksumValue? CarriedChecksum(SourceObject source, CopyOptions options) =>
        source.Checksum is { IsComposite: false } full ? full
        : DestinationRequests.OpaqueETags(options) ? new ChecksumValue(ChecksumAlgorithm.CRC32C, string.Empty, IsComposite: false)
        : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Copy}: {Outcome}: {Reason}")]
    private static partial void LogCopyNotVerified(ILogger logger, CopyRequest copy, CopyOutcome outcome, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Copy}: the source changed during the copy ({Reason}); starting again on the new version")]
    private static partial void LogSourceChanged(ILogger logger, CopyRequest copy, string reason);
}
