using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace S3Migrate.Transfer.Signing;

/// <summary>
/// AWS Signature Version 4 in the Authorization header, for S3 in one region. The body is never hashed: data-plane
/// requests declare <see cref="UnsignedPayload"/> and carry Content-MD5, which S3 checks instead. The signing key is
/// derived once per day and secret, not per request.
/// </summary>
public sealed class SigV4Signer(string region)
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    public const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    private const string Service = "s3";
    private const string Terminator = "aws4_request";

    [ThreadStatic]
    private static StringBuilder? t_canonical;

    private DerivedKey? _key;

    public string Region => region;

    /// <summary>
    /// The Authorization header for a request. <paramref name="headers"/> are the headers to sign — lowercase names,
    /// sorted ordinally, <c>host</c> and <c>x-amz-date</c> among them; <paramref name="canonicalUri"/> and
    /// <paramref name="canonicalQuery"/> are already encoded the way they are sent.
    /// </summary>
    public string Authorize(
        string accessKeyId, string secretAccessKey, string amzDate, string method, string canonicalUri, string canonicalQuery,
        IReadOnlyList<KeyValuePair<string, string>> headers, string payloadHash)
    {
        var builder = t_canonical ??= new StringBuilder(1024);
        builder.Clear();
        AppendCanonicalRequest(builder, method, canonicalUri, canonicalQuery, headers, payloadHash);
        Span<byte> requestHash = stackalloc byte[32];
        HashUtf8(builder, requestHash);
        if (builder.Capacity > 16 * 1024)
        {
            t_canonical = null;
        }

        var key = SigningKey(secretAccessKey, amzDate.AsSpan(0, 8));
        Span<byte> signature = stackalloc byte[32];
        Sign(key, amzDate, requestHash, signature);

        builder = new StringBuilder(256);
        builder.Append(Algorithm).Append(" Credential=").Append(accessKeyId).Append('/').Append(key.Scope).Append(", SignedHeaders=");
        for (var i = 0; i < headers.Count; i++)
        {
            builder.Append(i == 0 ? "" : ";").Append(headers[i].Key);
        }

        builder.Append(", Signature=");
        Span<char> hex = stackalloc char[64];
        Convert.TryToHexStringLower(signature, hex, out _);
        return builder.Append(hex).ToString();
    }

    /// <summary>The canonical request as S3 rebuilds it (exposed for tests and diagnostics).</summary>
    public static string CanonicalRequest(
        string method, string canonicalUri, string canonicalQuery, IReadOnlyList<KeyValuePair<string, string>> headers, string payloadHash)
    {
        var builder = new StringBuilder();
        AppendCanonicalRequest(builder, method, canonicalUri, canonicalQuery, headers, payloadHash);
        return builder.ToString();
    }

    /// <summary>The hex signature of a canonical request (for tests against published examples).</summary>
    public string Signature(string secretAccessKey, string amzDate, string canonicalRequest)
    {
        Span<byte> requestHash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest), requestHash);
        Span<byte> signature = stackalloc byte[32];
        Sign(SigningKey(secretAccessKey, amzDate.AsSpan(0, 8)), amzDate, requestHash, signature);
        return Convert.ToHexStringLower(signature);
    }

    /// <summary>The x-amz-date value for <paramref name="time"/>.</summary>
    public static string AmzDate(DateTimeOffset time) => time.UtcDateTime.ToString(AmzDateFormat, CultureInfo.InvariantCulture);

    private static void AppendCanonicalRequest(
        StringBuilder builder, string method, string canonicalUri, string canonicalQuery, IReadOnlyList<KeyValuePair<string, string>> headers,
        string payloadHash)
    {
        builder.Append(method).Append('\n').Append(canonicalUri).Append('\n').Append(canonicalQuery).Append('\n');
        for (var i = 0; i < headers.Count; i++)
        {
            builder.Append(headers[i].Key).Append(':');
            AppendCanonicalValue(builder, headers[i].Value);
            builder.Append('\n');
        }

        builder.Append('\n');
        for (var i = 0; i < headers.Count; i++)
        {
            builder.Append(i == 0 ? "" : ";").Append(headers[i].Key);
        }

        builder.Append('\n').Append(payloadHash);
    }

    /// <summary>Trimmed, with runs of spaces collapsed to one, as S3 canonicalises a header value.</summary>
    private static void AppendCanonicalValue(StringBuilder builder, string value)
    {
        var trimmed = value.AsSpan().Trim();
        var previousSpace = false;
        foreach (var c in trimmed)
        {
            if (c == ' ' && previousSpace)
            {
                continue;
            }

            builder.Append(c);
            previousSpace = c == ' ';
        }
    }

    private static void HashUtf8(StringBuilder builder, Span<byte> hash)
    {
        var chars = ArrayPool<char>.Shared.Rent(builder.Length);
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(builder.Length));
        try
        {
            builder.CopyTo(0, chars, builder.Length);
            var length = Encoding.UTF8.GetBytes(chars, 0, builder.Length, bytes, 0);
            SHA256.HashData(bytes.AsSpan(0, length), hash);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static void Sign(DerivedKey key, string amzDate, ReadOnlySpan<byte> requestHash, Span<byte> signature)
    {
        // "AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex request hash>" — ASCII throughout.
        Span<byte> toSign = stackalloc byte[Algorithm.Length + 1 + amzDate.Length + 1 + key.ScopeBytes.Length + 1 + 64];
        var at = Encoding.ASCII.GetBytes(Algorithm, toSign);
        toSign[at++] = (byte)'\n';
        at += Encoding.ASCII.GetBytes(amzDate, toSign[at..]);
        toSign[at++] = (byte)'\n';
        key.ScopeBytes.CopyTo(toSign[at..]);
        at += key.ScopeBytes.Length;
        toSign[at++] = (byte)'\n';
        Convert.TryToHexStringLower(requestHash, toSign[at..], out var written);
        HMACSHA256.HashData(key.Key, toSign[..(at + written)], signature);
    }

    private DerivedKey SigningKey(string secretAccessKey, ReadOnlySpan<char> date)
    {
        var key = Volatile.Read(ref _key);
        if (key is not null && date.SequenceEqual(key.Date) && string.Equals(key.Secret, secretAccessKey, StringComparison.Ordinal))
        {
            return key;
        }

        var day = date.ToString();
        var derived = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), Encoding.UTF8.GetBytes(day));
        foreach (var part in (ReadOnlySpan<string>)[region, Service, Terminator])
        {
            derived = HMACSHA256.HashData(derived, Encoding.UTF8.GetBytes(part));
        }

        var scope = $"{day}/{region}/{Service}/{Terminator}";
        key = new DerivedKey(secretAccessKey, day, derived, scope, Encoding.ASCII.GetBytes(scope));
        Volatile.Write(ref _key, key);
        return key;
    }

    private sealed record DerivedKey(string Secret, string Date, byte[] Key, string Scope, byte[] ScopeBytes);
}
