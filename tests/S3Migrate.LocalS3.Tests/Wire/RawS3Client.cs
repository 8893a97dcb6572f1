using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using S3Migrate.LocalS3.Auth;
using S3Migrate.LocalS3.Protocol;

namespace S3Migrate.LocalS3.Tests.Wire;

/// <summary>
/// Hand-built S3 requests for the cases an SDK will not produce: tampered payloads, wrong hashes, out-of-order parts,
/// aws-chunked bodies with chosen trailers. Signing is SigV4 as AWS documents it.
/// </summary>
public sealed class RawS3Client(Uri endpoint, string accessKeyId, string secret, string region) : IDisposable
{
    private readonly HttpClient _http = new();

    public static string Sha256Hex(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Sends a request with a plain body and the given payload hash (the body's SHA-256 by default).</summary>
    public Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string rawPathAndQuery, byte[]? body = null, IReadOnlyDictionary<string, string>? headers = null, string? payloadHash = null)
    {
        body ??= [];
        var amzDate = DateTime.UtcNow.ToString(SigV4.AmzDateFormat, CultureInfo.InvariantCulture);
        var allHeaders = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = $"{endpoint.Host}:{endpoint.Port}",
            ["x-amz-content-sha256"] = payloadHash ?? Sha256Hex(body),
            ["x-amz-date"] = amzDate,
        };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            allHeaders[name.ToLowerInvariant()] = value;
        }

        var (authorization, _) = Sign(method, rawPathAndQuery, allHeaders, amzDate);
        var request = new HttpRequestMessage(method, new Uri(endpoint, rawPathAndQuery)) { Content = new ByteArrayContent(body) };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        foreach (var (name, value) in allHeaders)
        {
            if (name == "host")
            {
                continue;
            }

            if (name.StartsWith("content-", StringComparison.Ordinal))
            {
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return _http.SendAsync(request);
    }

    /// <summary>
    /// Sends an aws-chunked PUT with signed chunks and a signed trailer carrying <paramref name="trailerName"/> =
    /// <paramref name="trailerValue"/>; <paramref name="corruptChunk"/> flips a data byte after signing.
    /// </summary>
    public Task<HttpResponseMessage> PutSignedChunkedAsync(
        string rawPath, byte[] data, string trailerName, string trailerValue, int chunkSize, bool corruptChunk = false)
    {
        var amzDate = DateTime.UtcNow.ToString(SigV4.AmzDateFormat, CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var scope = $"{date}/{region}/s3/aws4_request";
        var signingKey = SigV4.SigningKey(secret, date, region, "s3");
        var chunks = data.Chunk(chunkSize).Append([]).ToList();
        var encodedLength = chunks.Sum(c => c.Length.ToString("x", CultureInfo.InvariantCulture).Length + 17 + 64 + 2 + c.Length + 2) - 2
            + $"{trailerName}:{trailerValue}\r\n".Length + "x-amz-trailer-signature:".Length + 64 + 2 + 2;
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-encoding"] = "aws-chunked",
            ["content-length"] = encodedLength.ToString(CultureInfo.InvariantCulture),
            ["host"] = $"{endpoint.Host}:{endpoint.Port}",
            ["x-amz-content-sha256"] = SigV4.StreamingSignedTrailer,
            ["x-amz-date"] = amzDate,
            ["x-amz-decoded-content-length"] = data.Length.ToString(CultureInfo.InvariantCulture),
            ["x-amz-trailer"] = trailerName,
        };
        var (authorization, seed) = Sign(HttpMethod.Put, rawPath, headers, amzDate);

        var body = new MemoryStream();
        var previous = seed;
        foreach (var chunk in chunks)
        {
            var signature = SigV4.Sign(signingKey, SigV4.ChunkStringToSign(amzDate, scope, previous, Sha256Hex(chunk)));
            previous = signature;
            body.Write(Encoding.ASCII.GetBytes($"{chunk.Length:x};chunk-signature={signature}\r\n"));
            var bytes = chunk.ToArray();
            if (corruptChunk && bytes.Length > 0)
            {
                bytes[0] ^= 0xFF;
                corruptChunk = false;
            }

            body.Write(bytes);
            if (chunk.Length > 0)
            {
                body.Write("\r\n"u8);
            }
        }

        var canonicalTrailer = $"{trailerName}:{trailerValue}\n";
        var trailerSignature = SigV4.Sign(signingKey, SigV4.TrailerStringToSign(amzDate, scope, previous, SigV4.Sha256Hex(canonicalTrailer)));
        body.Write(Encoding.ASCII.GetBytes($"{trailerName}:{trailerValue}\r\nx-amz-trailer-signature:{trailerSignature}\r\n\r\n"));

        var request = new HttpRequestMessage(HttpMethod.Put, new Uri(endpoint, rawPath)) { Content = new ByteArrayContent(body.ToArray()) };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        request.Content.Headers.ContentEncoding.Add("aws-chunked");
        foreach (var name in new[] { "x-amz-content-sha256", "x-amz-date", "x-amz-decoded-content-length", "x-amz-trailer" })
        {
            request.Headers.TryAddWithoutValidation(name, headers[name]);
        }

        return _http.SendAsync(request);
    }

    public void Dispose() => _http.Dispose();

    private (string Authorization, string Signature) Sign(HttpMethod method, string rawPathAndQuery, SortedDictionary<string, string> headers, string amzDate)
    {
        var question = rawPathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = S3Encoding.Decode(question < 0 ? rawPathAndQuery : rawPathAndQuery[..question], plusAsSpace: false);
        var query = QueryParameters.Parse(question < 0 ? [] : rawPathAndQuery.AsSpan(question + 1));
        var canonicalHeaders = string.Concat(headers.Select(static h => $"{h.Key}:{SigV4.CanonicalHeaderValue(h.Value)}\n"));
        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = SigV4.CanonicalRequest(
            method.Method, SigV4.CanonicalUri(path), SigV4.CanonicalQuery(query.All, excludeSignature: false), canonicalHeaders, signedHeaders,
            headers["x-amz-content-sha256"]);
        var scope = $"{amzDate[..8]}/{region}/s3/aws4_request";
        var signature = SigV4.Sign(SigV4.SigningKey(secret, amzDate[..8], region, "s3"), SigV4.StringToSign(amzDate, scope, canonical));
        return ($"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}", signature);
    }
}
