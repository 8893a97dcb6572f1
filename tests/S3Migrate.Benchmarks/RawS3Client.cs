using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace S3Migrate.Benchmarks;

/// <summary>
/// The ceiling's S3 client: plain <see cref="HttpClient"/> requests signed with SigV4 over the headers only
/// (UNSIGNED-PAYLOAD), so no byte of a body is ever hashed, buffered or inspected — what the host and the server
/// can move at most. Keys are expected to be plain ASCII paths, as the benchmark makes them.
/// </summary>
public sealed class RawS3Client : IDisposable
{
    private const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    private const string SignedHeaders = "host;x-amz-content-sha256;x-amz-date";
    private static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";

    private readonly LocalS3Pair.Endpoint _endpoint;
    private readonly HttpClient _http;
    private readonly Lock _keyLock = new();
    private (string Date, byte[] Key) _signingKey = (string.Empty, []);

    public RawS3Client(LocalS3Pair.Endpoint endpoint, int maxConnections)
    {
        _endpoint = endpoint;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        })
        { Timeout = TimeSpan.FromMinutes(10) };
    }

    /// <summary>ListObjectsV2, page by page.</summary>
    public async IAsyncEnumerable<(string Key, long Size)> ListAsync(string bucket, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? continuation = null;
        do
        {
            List<(string, string)> query = [("list-type", "2")];
            if (continuation is not null)
            {
                query.Add(("continuation-token", continuation));
            }

            using var response = await SendAsync(HttpMethod.Get, bucket, null, query, null, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var page = XDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).Root!;
            foreach (var contents in page.Elements(S3 + "Contents"))
            {
                yield return ((string)contents.Element(S3 + "Key")!, (long)contents.Element(S3 + "Size")!);
            }

            continuation = (string?)page.Element(S3 + "IsTruncated") == "true" ? (string?)page.Element(S3 + "NextContinuationToken") : null;
        }
        while (continuation is not null);
    }

    /// <summary>A GET (of a byte range, when given) whose body the caller streams on.</summary>
    public async Task<HttpResponseMessage> GetAsync(string bucket, string key, (long Offset, long Length)? range, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Get, bucket, key, [], request =>
        {
            if (range is { } r)
            {
                request.Headers.Range = new RangeHeaderValue(r.Offset, r.Offset + r.Length - 1);
            }
        }, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    /// <summary>PutObject, or UploadPart when <paramref name="part"/> is given; returns the ETag.</summary>
    public async Task<string> PutAsync(
        string bucket, string key, (int Number, string UploadId)? part, Stream body, long length, CancellationToken cancellationToken)
    {
        List<(string, string)> query = part is { } p
            ? [("partNumber", p.Number.ToString(CultureInfo.InvariantCulture)), ("uploadId", p.UploadId)]
            : [];
        using var response = await SendAsync(HttpMethod.Put, bucket, key, query, request =>
        {
            request.Content = new StreamContent(body);
            request.Content.Headers.ContentLength = length;
        }, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return response.Headers.ETag?.Tag ?? throw new InvalidOperationException($"no ETag for {key}");
    }

    public async Task<string> CreateUploadAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, bucket, key, [("uploads", string.Empty)], null, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return (string)XDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).Root!.Element(S3 + "UploadId")!;
    }

    public async Task CompleteUploadAsync(string bucket, string key, string uploadId, IReadOnlyList<string> etags, CancellationToken cancellationToken)
    {
        var body = new XElement("CompleteMultipartUpload", etags.Select(static (etag, i) =>
            new XElement("Part", new XElement("PartNumber", i + 1), new XElement("ETag", etag)))).ToString(SaveOptions.DisableFormatting);
        using var response = await SendAsync(HttpMethod.Post, bucket, key, [("uploadId", uploadId)],
            request => request.Content = new StringContent(body, Encoding.UTF8, "application/xml"), HttpCompletionOption.ResponseContentRead, cancellationToken);

        // S3 may answer 200 with an error document once the body has started.
        var answer = await response.Content.ReadAsStringAsync(cancellationToken);
        if (answer.Contains("<Error>", StringComparison.Ordinal))
        {
            throw new HttpRequestException($"CompleteMultipartUpload {key}: {answer}");
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string bucket, string? key, List<(string Name, string Value)> query, Action<HttpRequestMessage>? configure,
        HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var path = "/" + bucket + (key is null ? string.Empty : "/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString)));
        var canonicalQuery = string.Join('&', query
            .Select(static q => (Name: Uri.EscapeDataString(q.Name), Value: Uri.EscapeDataString(q.Value)))
            .OrderBy(static q => q.Name, StringComparer.Ordinal)
            .Select(static q => q.Name + "=" + q.Value));
        using var request = new HttpRequestMessage(method, new Uri(_endpoint.ServiceUrl, path + (canonicalQuery.Length > 0 ? "?" + canonicalQuery : string.Empty)));
        configure?.Invoke(request);
        Sign(request, method.Method, path, canonicalQuery);
        var response = await _http.SendAsync(request, completion, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var error = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new HttpRequestException($"{method} {path}?{canonicalQuery}: {(int)response.StatusCode} {error}");
        }

        return response;
    }

    private void Sign(HttpRequestMessage request, string method, string path, string canonicalQuery)
    {
        var now = TimeProvider.System.GetUtcNow();
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var host = _endpoint.ServiceUrl.Authority;
        var canonicalRequest = string.Join('\n', method, path, canonicalQuery,
            $"host:{host}\nx-amz-content-sha256:{UnsignedPayload}\nx-amz-date:{amzDate}\n", SignedHeaders, UnsignedPayload);
        var scope = $"{date}/{_endpoint.Region}/s3/aws4_request";
        var stringToSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, scope, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(SigningKey(date), Encoding.UTF8.GetBytes(stringToSign)));
        request.Headers.Host = host;
        request.Headers.Add("x-amz-date", amzDate);
        request.Headers.Add("x-amz-content-sha256", UnsignedPayload);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={_endpoint.AccessKeyId}/{scope}, SignedHeaders={SignedHeaders}, Signature={signature}");
    }

    private byte[] SigningKey(string date)
    {
        lock (_keyLock)
        {
            if (_signingKey.Date != date)
            {
                var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + _endpoint.SecretAccessKey), date);
                foreach (var part in new[] { _endpoint.Region, "s3", "aws4_request" })
                {
                    key = Hmac(key, part);
                }

                _signingKey = (date, key);
            }

            return _signingKey.Key;
        }

        static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
    }
}
