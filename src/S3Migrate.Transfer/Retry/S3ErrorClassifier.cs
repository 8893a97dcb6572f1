using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using S3Migrate.Transfer.Endpoints;

namespace S3Migrate.Transfer.Retry;

/// <summary>The one table that decides what an S3 error means: retry, refresh credentials, restart, or give up.</summary>
public static class S3ErrorClassifier
{
    private static readonly Dictionary<string, FailureKind> ByCode = new(StringComparer.Ordinal)
    {
        ["SlowDown"] = FailureKind.Transient,
        ["Throttling"] = FailureKind.Transient,
        ["ThrottlingException"] = FailureKind.Transient,
        ["RequestLimitExceeded"] = FailureKind.Transient,
        ["TooManyRequestsException"] = FailureKind.Transient,
        ["ServiceUnavailable"] = FailureKind.Transient,
        ["InternalError"] = FailureKind.Transient,
        ["RequestTimeout"] = FailureKind.Transient,
        ["RequestTimeTooSkewed"] = FailureKind.Transient,
        ["BadDigest"] = FailureKind.Transient,
        ["XAmzContentSHA256Mismatch"] = FailureKind.Transient,
        ["IncompleteBody"] = FailureKind.Transient,
        ["OperationAborted"] = FailureKind.Transient,
        ["ConditionalRequestConflict"] = FailureKind.Transient,
        ["InvalidAccessKeyId"] = FailureKind.Credentials,
        ["SignatureDoesNotMatch"] = FailureKind.Credentials,
        ["ExpiredToken"] = FailureKind.Credentials,
        ["TokenRefreshRequired"] = FailureKind.Credentials,
        ["InvalidToken"] = FailureKind.Credentials,
        ["RequestExpired"] = FailureKind.Credentials,
        ["PreconditionFailed"] = FailureKind.SourceChanged,
        ["NoSuchUpload"] = FailureKind.UploadGone,
        ["NoSuchKey"] = FailureKind.Permanent,
        ["NoSuchBucket"] = FailureKind.Permanent,
        ["NoSuchVersion"] = FailureKind.Permanent,
        ["AccessDenied"] = FailureKind.Permanent,
        ["InvalidObjectState"] = FailureKind.Permanent,
        ["AllAccessDisabled"] = FailureKind.Permanent,
        ["AccountProblem"] = FailureKind.Permanent,
        ["KeyTooLongError"] = FailureKind.Permanent,
        ["EntityTooLarge"] = FailureKind.Permanent,
        ["InvalidStorageClass"] = FailureKind.Permanent,
        ["KMS.NotFoundException"] = FailureKind.Permanent,
        ["KMS.DisabledException"] = FailureKind.Permanent,
    };

    public static (FailureKind Kind, string Reason) Classify(Exception exception, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested && exception is OperationCanceledException)
        {
            return (FailureKind.Cancelled, "cancelled");
        }

        if (IntegrityFailure(exception) is { } integrity)
        {
            // Also when the HTTP stack wrapped it: a streamed body found its source short or long while being sent.
            return (FailureKind.Integrity, integrity.Message);
        }

        switch (exception)
        {
            case AmazonS3Exception s3:
                return ClassifyService(s3.ErrorCode, s3.StatusCode, s3.Message);
            case AmazonServiceException service:
                return ClassifyService(service.ErrorCode, service.StatusCode, service.Message);
            case CredentialSourceException credentials:
                return (credentials.IsTransient ? FailureKind.Transient : FailureKind.Permanent, credentials.Message);
            case HttpRequestException or IOException or SocketException or TimeoutException:
                return (FailureKind.Transient, $"connection problem: {exception.Message}");
            case OperationCanceledException:
                // Not our token: an HTTP timeout.
                return (FailureKind.Transient, "request timed out");
            case AmazonClientException client when client.InnerException is { } inner:
                return Classify(inner, cancellationToken);
            case AmazonClientException client:
                return (FailureKind.Transient, client.Message);
            default:
                return (FailureKind.Permanent, $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    private static IntegrityException? IntegrityFailure(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 4; depth++, exception = exception.InnerException)
        {
            if (exception is IntegrityException integrity)
            {
                return integrity;
            }
        }

        return null;
    }

    private static (FailureKind Kind, string Reason) ClassifyService(string? code, HttpStatusCode status, string message)
    {
        // A response without a body (any HEAD) carries no error code; the SDK then reports the status's name as the
        // code ("Forbidden", "NotFound"), so that is no more than the status either.
        if (code == status.ToString())
        {
            code = null;
        }

        var reason = string.IsNullOrEmpty(code) ? $"HTTP {(int)status}" : $"{code}: {message}";
        if (!string.IsNullOrEmpty(code) && ByCode.TryGetValue(code, out var kind))
        {
            return (kind, reason);
        }

        // Without a code the status has to do. A bare 403 is AccessDenied or a key S3 no longer accepts (rotated,
        // expired) — and a copy starts with a HEAD — so it gets the chance to reload the keys; when fresh keys are
        // refused too, the retry policy ends it as permanent.
        return (int)status switch
        {
            412 => (FailureKind.SourceChanged, reason),
            403 when string.IsNullOrEmpty(code) => (FailureKind.Credentials, "AccessDenied (HTTP 403)"),
            404 when string.IsNullOrEmpty(code) => (FailureKind.Permanent, "NotFound (HTTP 404)"),
            408 or 429 or >= 500 => (FailureKind.Transient, reason),
            0 => (FailureKind.Transient, reason),
            _ => (FailureKind.Permanent, reason),
        };
    }
}
