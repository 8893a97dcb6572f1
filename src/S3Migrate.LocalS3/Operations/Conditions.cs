using System.Globalization;
using S3Migrate.LocalS3.Protocol;
using S3Migrate.LocalS3.Storage;

namespace S3Migrate.LocalS3.Operations;

/// <summary>Conditional requests: If-Match and friends on reads, writes and copy sources, with S3's precedence rules.</summary>
public static class Conditions
{
    /// <summary>GET/HEAD: 412 for a failed If-Match/If-Unmodified-Since, 304 for If-None-Match/If-Modified-Since.</summary>
    public static void CheckRead(S3Context context, ObjectVersion version, DateTimeOffset now)
    {
        var ifMatch = context.Header("If-Match");
        var ifNoneMatch = context.Header("If-None-Match");
        if (ifMatch is not null)
        {
            if (!ETagMatches(ifMatch, version.ETag))
            {
                throw S3Errors.PreconditionFailed("If-Match");
            }
        }
        else if (ParseDate(context.Header("If-Unmodified-Since")) is { } unmodifiedSince && Seconds(version.LastModified) > unmodifiedSince)
        {
            throw S3Errors.PreconditionFailed("If-Unmodified-Since");
        }

        if (ifNoneMatch is not null)
        {
            if (ETagMatches(ifNoneMatch, version.ETag))
            {
                throw NotModified(version);
            }
        }
        else if (ParseDate(context.Header("If-Modified-Since")) is { } modifiedSince && modifiedSince <= now &&
                 Seconds(version.LastModified) <= modifiedSince)
        {
            throw NotModified(version);
        }
    }

    /// <summary>Copy-source conditions: every failure is 412, never 304.</summary>
    public static void CheckCopySource(S3Context context, ObjectVersion source, DateTimeOffset now)
    {
        var ifMatch = context.Header("x-amz-copy-source-if-match");
        var ifNoneMatch = context.Header("x-amz-copy-source-if-none-match");
        if (ifMatch is not null)
        {
            if (!ETagMatches(ifMatch, source.ETag))
            {
                throw S3Errors.PreconditionFailed("x-amz-copy-source-If-Match");
            }
        }
        else if (ParseDate(context.Header("x-amz-copy-source-if-unmodified-since")) is { } unmodifiedSince &&
                 Seconds(source.LastModified) > unmodifiedSince)
        {
            throw S3Errors.PreconditionFailed("x-amz-copy-source-If-Unmodified-Since");
        }

        if (ifNoneMatch is not null)
        {
            if (ETagMatches(ifNoneMatch, source.ETag))
            {
                throw S3Errors.PreconditionFailed("x-amz-copy-source-If-None-Match");
            }
        }
        else if (ParseDate(context.Header("x-amz-copy-source-if-modified-since")) is { } modifiedSince && modifiedSince <= now &&
                 Seconds(source.LastModified) <= modifiedSince)
        {
            throw S3Errors.PreconditionFailed("x-amz-copy-source-If-Modified-Since");
        }
    }

    /// <summary>
    /// The write conditions of PutObject, CopyObject and CompleteMultipartUpload (If-None-Match: * and If-Match), as a
    /// check to run against the current version under the bucket's lock; null when the request has none.
    /// </summary>
    public static Action<ObjectVersion?>? WriteCondition(S3Context context)
    {
        var ifNoneMatch = context.Header("If-None-Match");
        var ifMatch = context.Header("If-Match");
        if (ifNoneMatch is not null && ifNoneMatch.Trim() != "*")
        {
            throw S3Errors.NotImplemented("If-None-Match with a value other than *");
        }

        if (ifNoneMatch is null && ifMatch is null)
        {
            return null;
        }

        var key = context.ObjectKey;
        return current =>
        {
            var exists = current is { IsDeleteMarker: false };
            if (ifNoneMatch is not null && exists)
            {
                throw S3Errors.PreconditionFailed("If-None-Match");
            }

            if (ifMatch is not null)
            {
                if (!exists)
                {
                    throw S3Errors.NoSuchKey(key);
                }

                if (!ETagMatches(ifMatch, current!.ETag))
                {
                    throw S3Errors.PreconditionFailed("If-Match");
                }
            }
        };
    }

    public static bool ETagMatches(string header, string etag)
    {
        foreach (var candidate in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var value = candidate.StartsWith("W/", StringComparison.Ordinal) ? candidate[2..] : candidate;
            if (value == "*" || S3Xml.Unquote(value) == etag)
            {
                return true;
            }
        }

        return false;
    }

    private static S3Exception NotModified(ObjectVersion version) =>
        new S3Exception(304, "NotModified", "Not Modified")
            .WithHeader("ETag", S3Xml.Quote(version.ETag))
            .WithHeader("Last-Modified", S3Xml.HttpDate(version.LastModified));

    private static DateTimeOffset Seconds(DateTimeOffset time) =>
        new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    /// <summary>HTTP dates; an unparsable one is ignored, as S3 does.</summary>
    private static DateTimeOffset? ParseDate(string? value) =>
        value is not null && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : null;
}
