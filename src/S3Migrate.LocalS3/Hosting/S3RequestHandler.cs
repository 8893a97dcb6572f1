using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using S3Migrate.LocalS3.Faults;
using S3Migrate.LocalS3.Operations;
using S3Migrate.LocalS3.Payload;
using S3Migrate.LocalS3.Protocol;
using S3Migrate.LocalS3.Storage;

namespace S3Migrate.LocalS3.Hosting;

/// <summary>
/// Serves one S3 request end to end: target parsing, routing, injected faults, authentication, authorisation,
/// the operation itself, S3-shaped errors (never a stack trace) and the request's counters.
/// </summary>
public sealed partial class S3RequestHandler(LocalS3Endpoint endpoint, ILogger logger)
{
    private static long _requestCounter = Random.Shared.NextInt64(1L << 40, 1L << 56);

    /// <summary>Operations answered whatever region the request was signed for, as S3 does.</summary>
    private static readonly HashSet<string> RegionAgnostic = new(StringComparer.Ordinal) { "GetBucketLocation", "CreateBucket", "ListBuckets" };

    /// <summary>Operations that requester-pays buckets do not charge for (bucket configuration).</summary>
    private static readonly HashSet<string> ChargedOperations = new(StringComparer.Ordinal)
    {
        "GetObject", "HeadObject", "ListObjects", "ListObjectsV2", "ListObjectVersions", "PutObject", "CopyObject", "UploadPart",
        "UploadPartCopy", "CreateMultipartUpload", "CompleteMultipartUpload", "ListParts", "ListMultipartUploads", "DeleteObject",
        "DeleteObjects", "GetObjectTagging", "PutObjectTagging",
    };

    public async Task HandleAsync(HttpContext http)
    {
        var requestId = NextRequestId();
        SetCommonHeaders(http.Response, requestId);
        var operation = "Unknown";
        string? bucket = null, key = null;
        QueryParameters? query = null;
        S3Context? context = null;
        FaultKind? fault = null;
        string? errorCode = null;
        try
        {
            (bucket, key, query) = ParseTarget(http.Request);
            var routed = S3Router.Route(http.Request.Method, bucket, key, query, http.Request.Headers);
            operation = routed.Name;
            fault = endpoint.Faults.Decide(operation, bucket, key);
            var latency = endpoint.Faults.NextLatency();
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, endpoint.Time, http.RequestAborted);
            }

            if (fault == FaultKind.InternalError)
            {
                throw S3Errors.InternalError();
            }

            if (fault == FaultKind.SlowDown)
            {
                throw S3Errors.SlowDown();
            }

            var limiters = endpoint.Faults.LimitersFor(http.Features.Get<IConnectionItemsFeature>()?.Items);
            context = new S3Context
            {
                Http = http,
                Endpoint = endpoint,
                Operation = operation,
                BucketName = bucket,
                Key = key,
                Query = query,
                Fault = fault,
                Body = new RequestBodySource(http.Request.BodyReader)
                {
                    Limiters = limiters,
                    AbortAfterBytes = fault == FaultKind.ResetMidRequestBody ? Math.Max(1, (http.Request.ContentLength ?? 0) / 2) : null,
                    Abort = http.Abort,
                },
                Output = new ResponseBody(http) { Limiters = limiters },
            };

            context.Auth = endpoint.Verifier.Verify(http.Request, DecodedPath(http.Request), query);
            Authorize(context, routed);
            if (fault == FaultKind.ResetMidRequestBody && http.Request.ContentLength is null or 0)
            {
                http.Abort();
                throw new RequestAbortedException("connection reset before the request was handled (fault injection)");
            }

            if (fault == FaultKind.BadDigest)
            {
                await context.ReadBodyAsync(new DiscardingSink());
                throw S3Errors.BadDigest();
            }

            if (fault == FaultKind.ResetMidResponse && operation != "GetObject")
            {
                context.Output.AbortAfterBytes = 0;
            }

            await routed.Handler(context);
            if (fault == FaultKind.ResetMidResponse && operation != "GetObject")
            {
                http.Abort();
                throw new RequestAbortedException("connection reset instead of the response (fault injection)");
            }
        }
        catch (S3Exception e)
        {
            errorCode = e.Code;
            WriteError(http, e, requestId, bucket, key);
        }
        catch (RequestAbortedException)
        {
            errorCode = "ConnectionReset";
            http.Abort();
        }
        catch (Exception e) when (http.RequestAborted.IsCancellationRequested || e is ConnectionResetException or ConnectionAbortedException)
        {
            errorCode = "ClientDisconnected";
        }
        catch (Exception e)
        {
            errorCode = "InternalError";
            LogUnhandled(logger, operation, e);
            WriteError(http, S3Errors.InternalError(), requestId, bucket, key);
        }
        finally
        {
            endpoint.Counters.Record(new RequestRecord(
                endpoint.Time.GetUtcNow(),
                operation,
                http.Request.Method,
                bucket,
                key,
                query?.Get("partNumber") is { } part && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var partNumber) ? partNumber : null,
                query?.Get("uploadId"),
                errorCode == "ConnectionReset" ? 0 : http.Response.StatusCode,
                errorCode,
                context?.Body.BytesConsumed ?? 0,
                context?.Output.BytesWritten ?? 0,
                fault,
                context?.Auth?.Key.AccessKeyId));

            // The answer's last bytes were held back (ResponseBody, WriteError): the client cannot have the whole
            // answer before the request is counted.
            if (errorCode is not ("ConnectionReset" or "ClientDisconnected"))
            {
                try
                {
                    await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionResetException or ConnectionAbortedException)
                {
                    // The client went away; nothing to tell it.
                }
            }
        }
    }

    /// <summary>Request ids only need to be unique and opaque: a process-wide counter behind a random start.</summary>
    private static string NextRequestId() => Interlocked.Increment(ref _requestCounter).ToString("X16", CultureInfo.InvariantCulture);

    private void Authorize(S3Context context, RoutedOperation routed)
    {
        if (!context.Auth.Key.Allows(routed.Name == "ListBuckets" ? null : context.BucketName, routed.Rights) &&
            !(routed.Name == "ListBuckets" && context.Auth.Key.Rights.HasFlag(Auth.AccessRights.Read)))
        {
            throw S3Errors.AccessDenied();
        }

        if (context.BucketName is null || !endpoint.Store.TryGetBucket(context.BucketName, out var bucket))
        {
            return;
        }

        if (!RegionAgnostic.Contains(routed.Name) && context.Auth.Region != bucket.Region)
        {
            if (routed.Name == "HeadBucket")
            {
                throw new S3Exception(301, "PermanentRedirect", "The bucket is in another region.").WithHeader("x-amz-bucket-region", bucket.Region);
            }

            throw context.Auth.Presigned
                ? S3Errors.AuthorizationQueryParametersError($"Error parsing the X-Amz-Credential parameter; the region '{context.Auth.Region}' is wrong; expecting '{bucket.Region}'")
                : S3Errors.AuthorizationHeaderMalformed(
                    $"The authorization header is malformed; the region '{context.Auth.Region}' is wrong; expecting '{bucket.Region}'", bucket.Region);
        }

        if (bucket.RequesterPays && ChargedOperations.Contains(routed.Name))
        {
            if (!string.Equals(context.Header("x-amz-request-payer"), "requester", StringComparison.OrdinalIgnoreCase))
            {
                throw S3Errors.AccessDenied();
            }

            context.Response.Headers["x-amz-request-charged"] = "requester";
        }
    }

    private (string? Bucket, string? Key, QueryParameters Query) ParseTarget(HttpRequest request)
    {
        var target = RawTarget(request);
        var questionMark = target.IndexOf('?', StringComparison.Ordinal);
        var rawPath = questionMark < 0 ? target : target[..questionMark];
        var query = QueryParameters.Parse(questionMark < 0 ? [] : target.AsSpan(questionMark + 1));
        var path = S3Encoding.Decode(rawPath, plusAsSpace: false);
        if (!path.StartsWith('/'))
        {
            throw S3Errors.InvalidUri();
        }

        if (endpoint.VirtualHostBucket(request.Host.Host) is { } hostBucket)
        {
            return (hostBucket, path.Length > 1 ? path[1..] : null, query);
        }

        if (path.Length == 1)
        {
            return (null, null, query);
        }

        var slash = path.IndexOf('/', 1);
        if (slash < 0)
        {
            return (path[1..], null, query);
        }

        var key = path[(slash + 1)..];
        return (path[1..slash], key.Length == 0 ? null : key, query);
    }

    private static string DecodedPath(HttpRequest request)
    {
        var target = RawTarget(request);
        var questionMark = target.IndexOf('?', StringComparison.Ordinal);
        return S3Encoding.Decode(questionMark < 0 ? target : target[..questionMark], plusAsSpace: false);
    }

    /// <summary>The request line's target exactly as sent; Request.Path would already have decoded some escapes.</summary>
    private static string RawTarget(HttpRequest request)
    {
        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var pathStart = target.IndexOf('/', target.IndexOf("//", StringComparison.Ordinal) + 2);
            target = pathStart < 0 ? "/" : target[pathStart..];
        }

        return target;
    }

    private static void SetCommonHeaders(HttpResponse response, string requestId)
    {
        response.Headers["x-amz-request-id"] = requestId;
        Span<byte> hostId = stackalloc byte[24];
        Random.Shared.NextBytes(hostId);
        response.Headers["x-amz-id-2"] = Convert.ToBase64String(hostId);
        response.Headers.Server = "AmazonS3";
    }

    private static void WriteError(HttpContext http, S3Exception error, string requestId, string? bucket, string? key)
    {
        if (http.Response.HasStarted)
        {
            http.Abort();
            return;
        }

        http.Response.Clear();
        SetCommonHeaders(http.Response, requestId);
        http.Response.StatusCode = error.StatusCode;
        foreach (var (name, value) in error.Headers)
        {
            http.Response.Headers[name] = value;
        }

        if (HttpMethods.IsHead(http.Request.Method) || error.StatusCode == StatusCodes.Status304NotModified)
        {
            return;
        }

        var document = S3Xml.Write("Error", w =>
        {
            w.WriteElementString("Code", error.Code);
            w.WriteElementString("Message", error.Message);
            foreach (var (name, value) in error.Details)
            {
                w.WriteElementString(name, value);
            }

            if (bucket is not null && error.Code == "NoSuchKey" && error.Details.All(static d => d.Key != "Key"))
            {
                w.WriteElementString("Key", key);
            }

            w.WriteElementString("RequestId", requestId);
            w.WriteElementString("HostId", http.Response.Headers["x-amz-id-2"].ToString());
        }, withNamespace: false);
        http.Response.ContentType = "application/xml";
        http.Response.ContentLength = document.Length;
        // Not flushed here: sent once the request has been counted.
        http.Response.BodyWriter.Write(document);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in {Operation}")]
    private static partial void LogUnhandled(ILogger logger, string operation, Exception exception);

    private sealed class DiscardingSink : IPayloadSink
    {
        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
