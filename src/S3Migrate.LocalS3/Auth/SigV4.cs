using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using S3Migrate.LocalS3.Protocol;

namespace S3Migrate.LocalS3.Auth;

/// <summary>The pieces of AWS Signature Version 4 that a server recomputes to check a client's signature.</summary>
public static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string ChunkAlgorithm = "AWS4-HMAC-SHA256-PAYLOAD";
    public const string TrailerAlgorithm = "AWS4-HMAC-SHA256-TRAILER";
    public const string Terminator = "aws4_request";
    public const string EmptyPayloadSha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string StreamingSigned = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    public const string StreamingSignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    public const string StreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    public const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    [ThreadStatic]
    private static IncrementalHash? _hmac;

    [ThreadStatic]
    private static byte[]? _hmacKey;

    /// <summary>S3 encodes the decoded path once, segment by segment, keeping the slashes (no normalisation).</summary>
    public static string CanonicalUri(string decodedPath)
    {
        if (decodedPath.Length == 0)
        {
            return "/";
        }

        return S3Encoding.UriEncode(decodedPath, keepSlash: true);
    }

    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> decodedParameters, bool excludeSignature)
    {
        var encoded = new List<(string Name, string Value)>();
        foreach (var (name, value) in decodedParameters)
        {
            if (excludeSignature && name == "X-Amz-Signature")
            {
                continue;
            }

            encoded.Add((S3Encoding.UriEncode(name, keepSlash: false), S3Encoding.UriEncode(value, keepSlash: false)));
        }

        encoded.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });

        var builder = new StringBuilder();
        foreach (var (name, value) in encoded)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            builder.Append(name).Append('=').Append(value);
        }

        return builder.ToString();
    }

    /// <summary>Trims a header value and collapses internal runs of spaces, as the canonical form requires.</summary>
    public static string CanonicalHeaderValue(string value)
    {
        var trimmed = value.AsSpan().Trim();
        if (trimmed.IndexOf("  ") < 0)
        {
            return trimmed.ToString();
        }

        var builder = new StringBuilder(trimmed.Length);
        var previousSpace = false;
        foreach (var c in trimmed)
        {
            if (c == ' ')
            {
                if (!previousSpace)
                {
                    builder.Append(c);
                }

                previousSpace = true;
            }
            else
            {
                builder.Append(c);
                previousSpace = false;
            }
        }

        return builder.ToString();
    }

    public static string CanonicalRequest(
        string method, string canonicalUri, string canonicalQuery, string canonicalHeaders, string signedHeaders, string payloadHash) =>
        string.Concat(method, "\n", canonicalUri, "\n", canonicalQuery, "\n", canonicalHeaders, "\n", signedHeaders, "\n", payloadHash);

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        string.Concat(Algorithm, "\n", amzDate, "\n", scope, "\n", Sha256Hex(canonicalRequest));

    public static byte[] SigningKey(string secretAccessKey, string date, string region, string service)
    {
        var kDate = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), Encoding.UTF8.GetBytes(date));
        var kRegion = HMACSHA256.HashData(kDate, Encoding.UTF8.GetBytes(region));
        var kService = HMACSHA256.HashData(kRegion, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(kService, Encoding.UTF8.GetBytes(Terminator));
    }

    public static string Sign(byte[] signingKey, string stringToSign)
    {
        // Every request checks one HMAC with a signing key the verifier caches (one per secret, day and region), so
        // each thread keeps the HMAC of the last key it used: OpenSSL's one-shot HMAC sets up a new context every time,
        // about two thirds of the HMAC's cost for a string to sign. Nothing awaits between append and result.
        var hmac = _hmac;
        if (hmac is null || !ReferenceEquals(_hmacKey, signingKey))
        {
            hmac?.Dispose();
            _hmac = null;
            hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, signingKey);
            _hmacKey = signingKey;
            _hmac = hmac;
        }

        Span<byte> mac = stackalloc byte[32];
        try
        {
            hmac.AppendData(Encoding.UTF8.GetBytes(stringToSign));
            hmac.GetHashAndReset(mac);
        }
        catch
        {
            // Never reuse a context left half-way.
            _hmac = null;
            hmac.Dispose();
            throw;
        }

        return Convert.ToHexStringLower(mac);
    }

    public static string ChunkStringToSign(string amzDate, string scope, string previousSignature, string chunkSha256Hex) =>
        string.Concat(ChunkAlgorithm, "\n", amzDate, "\n", scope, "\n", previousSignature, "\n", EmptyPayloadSha256, "\n", chunkSha256Hex);

    public static string TrailerStringToSign(string amzDate, string scope, string previousSignature, string canonicalTrailerSha256Hex) =>
        string.Concat(TrailerAlgorithm, "\n", amzDate, "\n", scope, "\n", previousSignature, "\n", canonicalTrailerSha256Hex);

    public static string Sha256Hex(string value)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), hash);
        return Convert.ToHexStringLower(hash);
    }

    public static bool SignaturesEqual(string expectedHex, string providedHex) =>
        expectedHex.Length == providedHex.Length &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expectedHex), Encoding.ASCII.GetBytes(providedHex));

    public static bool TryParseAmzDate(string value, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(value, AmzDateFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
}
