using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using S3Migrate.LocalS3.Protocol;

namespace S3Migrate.LocalS3.Auth;

/// <summary>Checks SigV4 header and presigned-query signatures against one endpoint's access keys.</summary>
public sealed class SigV4Verifier(TimeProvider time)
{
    /// <summary>S3 rejects requests signed more than 15 minutes away from its clock.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(15);

    /// <summary>The longest validity of a presigned URL (7 days).</summary>
    public const int MaxPresignedExpirySeconds = 604800;

    private readonly ConcurrentDictionary<(string Secret, string Date, string Region), byte[]> _signingKeys = new();
    private ImmutableDictionary<string, AccessKey> _keys = ImmutableDictionary<string, AccessKey>.Empty;

    public IEnumerable<AccessKey> Keys => _keys.Values;

    public void SetKeys(IEnumerable<AccessKey> keys) =>
        _keys = keys.ToImmutableDictionary(k => k.AccessKeyId, StringComparer.Ordinal);

    public void AddKey(AccessKey key) => ImmutableInterlocked.Update(ref _keys, d => d.SetItem(key.AccessKeyId, key));

    public void RemoveKey(string accessKeyId) => ImmutableInterlocked.Update(ref _keys, d => d.Remove(accessKeyId));

    public AuthResult Verify(HttpRequest request, string decodedPath, QueryParameters query)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            return VerifyHeader(request, authorization, decodedPath, query);
        }

        if (query.Has("X-Amz-Algorithm"))
        {
            return VerifyPresigned(request, decodedPath, query);
        }

        throw S3Errors.AccessDenied();
    }

    private AuthResult VerifyHeader(HttpRequest request, string authorization, string decodedPath, QueryParameters query)
    {
        if (!authorization.StartsWith(SigV4.Algorithm + " ", StringComparison.Ordinal))
        {
            throw S3Errors.InvalidRequest("The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
        }

        string? credential = null, signedHeaders = null, signature = null;
        foreach (var part in authorization[(SigV4.Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                continue;
            }

            var value = part[(equals + 1)..];
            switch (part[..equals])
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }

        if (credential is null || signedHeaders is null || signature is null)
        {
            throw S3Errors.AuthorizationHeaderMalformed("The authorization header is malformed; it must contain Credential, SignedHeaders and Signature.");
        }

        var amzDate = request.Headers["x-amz-date"].ToString();
        if (amzDate.Length == 0)
        {
            amzDate = ToAmzDate(request.Headers.Date.ToString());
        }

        var payloadHash = request.Headers["x-amz-content-sha256"].ToString();
        if (payloadHash.Length == 0)
        {
            throw S3Errors.InvalidRequest("Missing required header for this request: x-amz-content-sha256");
        }

        var (key, date, region) = ParseCredential(credential, amzDate, AuthorizationHeaderError);
        CheckClock(amzDate);

        var canonical = SigV4.CanonicalRequest(
            request.Method,
            SigV4.CanonicalUri(decodedPath),
            SigV4.CanonicalQuery(query.All, excludeSignature: false),
            CanonicalHeaders(request, signedHeaders),
            signedHeaders,
            payloadHash);
        return Check(key, date, region, amzDate, canonical, signature, presigned: false, payloadHash);
    }

    private AuthResult VerifyPresigned(HttpRequest request, string decodedPath, QueryParameters query)
    {
        if (query.Get("X-Amz-Algorithm") != SigV4.Algorithm)
        {
            throw S3Errors.AuthorizationQueryParametersError("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        }

        var credential = query.Get("X-Amz-Credential");
        var amzDate = query.Get("X-Amz-Date");
        var expires = query.Get("X-Amz-Expires");
        var signedHeaders = query.Get("X-Amz-SignedHeaders");
        var signature = query.Get("X-Amz-Signature");
        if (credential is null || amzDate is null || expires is null || signedHeaders is null || signature is null)
        {
            throw S3Errors.AuthorizationQueryParametersError(
                "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
        }

        if (!int.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expirySeconds) ||
            expirySeconds is < 1 or > MaxPresignedExpirySeconds)
        {
            throw S3Errors.AuthorizationQueryParametersError("X-Amz-Expires must be less than a week (in seconds) that is 604800");
        }

        var (key, date, region) = ParseCredential(credential, amzDate, S3Errors.AuthorizationQueryParametersError);
        if (!SigV4.TryParseAmzDate(amzDate, out var signedAt))
        {
            throw S3Errors.AuthorizationQueryParametersError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        }

        var now = time.GetUtcNow();
        if (signedAt - now > MaxClockSkew)
        {
            throw S3Errors.AccessDenied("Request is not valid yet");
        }

        if (now > signedAt.AddSeconds(expirySeconds))
        {
            throw S3Errors.AccessDenied("Request has expired");
        }

        var payloadHash = request.Headers["x-amz-content-sha256"].ToString();
        if (payloadHash.Length == 0)
        {
            payloadHash = SigV4.UnsignedPayload;
        }

        var canonical = SigV4.CanonicalRequest(
            request.Method,
            SigV4.CanonicalUri(decodedPath),
            SigV4.CanonicalQuery(query.All, excludeSignature: true),
            CanonicalHeaders(request, signedHeaders),
            signedHeaders,
            payloadHash);
        return Check(key, date, region, amzDate, canonical, signature, presigned: true, payloadHash);
    }

    private AuthResult Check(
        AccessKey key, string date, string region, string amzDate, string canonicalRequest, string signature, bool presigned, string payloadHash)
    {
        var scope = $"{date}/{region}/s3/{SigV4.Terminator}";
        var stringToSign = SigV4.StringToSign(amzDate, scope, canonicalRequest);
        var signingKey = _signingKeys.GetOrAdd((key.SecretAccessKey, date, region), static k => SigV4.SigningKey(k.Secret, k.Date, k.Region, "s3"));
        var expected = SigV4.Sign(signingKey, stringToSign);
        if (!SigV4.SignaturesEqual(expected, signature))
        {
            throw S3Errors.SignatureDoesNotMatch(stringToSign, canonicalRequest);
        }

        return new AuthResult(key, region, amzDate, scope, signingKey, signature, presigned, payloadHash);
    }

    private (AccessKey Key, string Date, string Region) ParseCredential(string credential, string amzDate, Func<string, S3Exception> error)
    {
        var parts = credential.Split('/');
        if (parts.Length != 5)
        {
            throw error($"The credential '{credential}' is malformed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
        }

        if (!_keys.TryGetValue(parts[0], out var key))
        {
            throw S3Errors.InvalidAccessKeyId(parts[0]);
        }

        if (parts[3] != "s3")
        {
            throw error($"The authorization header is malformed; incorrect service \"{parts[3]}\". This endpoint belongs to \"s3\".");
        }

        if (parts[4] != SigV4.Terminator)
        {
            throw error($"The authorization header is malformed; incorrect terminal \"{parts[4]}\". This endpoint uses \"aws4_request\".");
        }

        if (amzDate.Length < 8 || !amzDate.AsSpan(0, 8).SequenceEqual(parts[1]))
        {
            throw error($"The authorization header is malformed; Invalid credential date \"{parts[1]}\". Date is not the same as X-Amz-Date: \"{amzDate}\".");
        }

        return (key, parts[1], parts[2]);
    }

    private static S3Exception AuthorizationHeaderError(string message) => S3Errors.AuthorizationHeaderMalformed(message);

    private void CheckClock(string amzDate)
    {
        if (!SigV4.TryParseAmzDate(amzDate, out var signedAt))
        {
            throw S3Errors.AccessDenied("AWS authentication requires a valid Date or x-amz-date header");
        }

        var now = time.GetUtcNow();
        if ((now - signedAt).Duration() > MaxClockSkew)
        {
            throw S3Errors.RequestTimeTooSkewed(amzDate, now.ToString(SigV4.AmzDateFormat, CultureInfo.InvariantCulture));
        }
    }

    private static string ToAmzDate(string httpDate) =>
        DateTimeOffset.TryParse(httpDate, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.UtcDateTime.ToString(SigV4.AmzDateFormat, CultureInfo.InvariantCulture)
            : string.Empty;

    private static string CanonicalHeaders(HttpRequest request, string signedHeaders)
    {
        var builder = new StringBuilder();
        foreach (var name in signedHeaders.Split(';'))
        {
            var values = request.Headers[name];
            builder.Append(name).Append(':');
            for (var i = 0; i < values.Count; i++)
            {
                if (i > 0)
                {
                    builder.Append(',');
                }

                builder.Append(SigV4.CanonicalHeaderValue(values[i] ?? string.Empty));
            }

            builder.Append('\n');
        }

        return builder.ToString();
    }
}
