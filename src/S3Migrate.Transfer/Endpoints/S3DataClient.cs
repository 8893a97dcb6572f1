using System.Globalization;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using S3Migrate.Transfer.Checksums;
using S3Migrate.Transfer.Signing;

namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// The data plane of one endpoint: GetObject, PutObject and UploadPart signed here (SigV4, UNSIGNED-PAYLOAD with
/// Content-MD5 for buffered bodies; streamed parts are checked by their ETag and carry any additional checksum in an
/// aws-chunked trailer) and sent straight through the endpoint's connection pool. These requests carry every byte of a
/// migration, and the SDK's general pipeline (endpoint rules, body signing over HTTP, unmarshalling) cost more CPU than
/// the copy itself; every other request stays with the SDK (<see cref="S3Endpoint.Client"/>). Failures surface as the
/// SDK's would — <see cref="AmazonS3Exception"/> for S3's answers, <see cref="HttpRequestException"/> or
/// <see cref="IOException"/> for broken connections, <see cref="TimeoutException"/> for stalled ones — so the engine's
/// retry classification applies unchanged.
/// </summary>
public sealed class S3DataClient
{
    /// <summary>Bodies from this size on wait for S3's 100-continue, so a refusal costs no upload and no reset connection.</summary>
    public const long ExpectContinueFrom = 1024 * 1024;

    /// <summary>The payload mode of a streamed body whose checksum follows it (aws-chunked, unsigned chunks, a trailer).</summary>
    public const string StreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

    private const string RequestTimeTooSkewed = "RequestTimeTooSkewed";

    private static readonly UriCreationOptions VerbatimUri = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private static readonly HashSet<string> ContentHeaders = new(StringComparer.Ordinal)
    {
        "content-type", "content-encoding", "content-language", "content-disposition", "content-md5", "expires",
    };

    [ThreadStatic]
    private static List<KeyValuePair<string, string>>? t_headers;

    [ThreadStatic]
    private static StringBuilder? t_uri;

    private readonly S3EndpointOptions _options;
    private readonly ReloadableCredentials _credentials;
    private readonly HttpMessageInvoker _http;
    private readonly SharedDeadlines _deadlines;
    private readonly TimeProvider _clock;
    private readonly SigV4Signer _signer;
    private readonly string _scheme;
    private readonly string _serviceHost;
    private readonly string _basePath;
    private VirtualHostName? _lastVirtualHost;
    private AmzDateText? _lastAmzDate;
    private long _clockSkewTicks;

    /// <param name="options">Addressing (service URL or region, path or virtual-host style) and signing region.</param>
    /// <param name="credentials">The endpoint's credentials; a session token is sent as x-amz-security-token.</param>
    /// <param name="http">The endpoint's pooled connections.</param>
    /// <param name="requestTimeout">How long one request may take until S3's answer begins.</param>
    /// <param name="clock">The wall clock requests are dated by (real time: S3 refuses dates off by 15 minutes).</param>
    public S3DataClient(
        S3EndpointOptions options, ReloadableCredentials credentials, HttpMessageInvoker http, TimeSpan requestTimeout, TimeProvider? clock = null)
    {
        _options = options;
        _credentials = credentials;
        _http = http;
        _clock = clock ?? TimeProvider.System;
        _deadlines = new SharedDeadlines(requestTimeout, _clock);
        _signer = new SigV4Signer(options.SigningRegion);
        if (options.ServiceUrl is { } url)
        {
            _scheme = url.Scheme + "://";
            _serviceHost = url.Authority;
            _basePath = url.AbsolutePath.TrimEnd('/');
        }
        else
        {
            _scheme = "https://";
            _serviceHost = $"s3.{options.SigningRegion}.{options.DnsSuffix}";
            _basePath = string.Empty;
        }
    }

    /// <summary>GetObject; the answer's body streams on until the response is disposed.</summary>
    public async Task<ObjectGetResponse> GetObjectAsync(ObjectGetRequest request, CancellationToken cancellationToken)
    {
        var credentials = await _credentials.GetCurrentAsync();
        var query = request.VersionId is { } version ? "versionId=" + S3UriEncoding.Encode(version) : string.Empty;
        HttpRequestMessage message;
        var headers = Headers();
        try
        {
            if (request.Range is { } range)
            {
                headers.Add(new("range", string.Create(CultureInfo.InvariantCulture, $"bytes={range.Offset}-{range.Offset + range.Length - 1}")));
            }

            if (request.IfMatch is { } etag)
            {
                headers.Add(new("if-match", etag));
            }

            if (request.RequesterPays)
            {
                headers.Add(new("x-amz-request-payer", "requester"));
            }

            if (request.WithChecksum)
            {
                headers.Add(new("x-amz-checksum-mode", "ENABLED"));
            }

            message = CreateRequest(HttpMethod.Get, request.Bucket, request.Key, query, headers, content: null, credentials, SigV4Signer.UnsignedPayload);
        }
        finally
        {
            headers.Clear();
        }

        using (message)
        {
            var response = await SendAsync(message, cancellationToken);
            try
            {
                return new ObjectGetResponse(response, await response.Content.ReadAsStreamAsync(cancellationToken));
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// PutObject of <paramref name="length"/> bytes from <paramref name="body"/> (read from its current position, which
    /// the caller keeps owning), with the object's <paramref name="headers"/> (lowercase names: Content-*, Expires,
    /// x-amz-meta-*, storage class, encryption, ACL, tagging).
    /// </summary>
    public Task<ObjectPutResponse> PutObjectAsync(
        string bucket, string key, Stream body, long length, string? contentMd5, ChecksumValue? checksum,
        IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken) =>
        UploadAsync(bucket, key, string.Empty, new UploadBodyContent(body, length), length, contentMd5, checksum, headers, trailer: null, cancellationToken);

    /// <summary>UploadPart <paramref name="partNumber"/> of <paramref name="uploadId"/> from <paramref name="body"/>.</summary>
    public Task<ObjectPutResponse> UploadPartAsync(
        string bucket, string key, string uploadId, int partNumber, Stream body, long length, string? contentMd5, ChecksumValue? checksum,
        CancellationToken cancellationToken) =>
        UploadAsync(bucket, key, PartQuery(uploadId, partNumber), new UploadBodyContent(body, length), length, contentMd5, checksum, [], trailer: null,
            cancellationToken);

    /// <summary>
    /// UploadPart <paramref name="partNumber"/> of <paramref name="uploadId"/> streamed from <paramref name="body"/>'s
    /// source in one pass; its MD5 (and trailing checksum) are on <paramref name="body"/> once the answer is in.
    /// </summary>
    public Task<ObjectPutResponse> UploadPartAsync(
        string bucket, string key, string uploadId, int partNumber, StreamedBody body, CancellationToken cancellationToken) =>
        UploadAsync(bucket, key, PartQuery(uploadId, partNumber), new StreamedBodyContent(body), body.Length, contentMd5: null, checksum: null, [],
            body.TrailerName is { } trailer ? new StreamingTrailer(trailer, body.TrailingChecksum!.Value) : null, cancellationToken);

    private static string PartQuery(string uploadId, int partNumber) =>
        string.Concat("partNumber=", partNumber.ToString(CultureInfo.InvariantCulture), "&uploadId=", S3UriEncoding.Encode(uploadId));

    private async Task<ObjectPutResponse> UploadAsync(
        string bucket, string key, string query, HttpContent content, long length, string? contentMd5, ChecksumValue? checksum,
        IReadOnlyList<KeyValuePair<string, string>> objectHeaders, StreamingTrailer? trailer, CancellationToken cancellationToken)
    {
        var credentials = await _credentials.GetCurrentAsync();
        HttpRequestMessage message;
        var headers = Headers();
        try
        {
            for (var i = 0; i < objectHeaders.Count; i++)
            {
                headers.Add(objectHeaders[i]);
            }

            if (contentMd5 is not null)
            {
                headers.Add(new("content-md5", contentMd5));
            }

            if (checksum is { Value.Length: > 0 })
            {
                headers.Add(new(ChecksumFields.HeaderName(checksum.Algorithm), checksum.Value));
            }

            if (trailer is not null)
            {
                headers.Add(new("content-encoding", "aws-chunked"));
                headers.Add(new("x-amz-decoded-content-length", length.ToString(CultureInfo.InvariantCulture)));
                headers.Add(new("x-amz-sdk-checksum-algorithm", trailer.Algorithm));
                headers.Add(new("x-amz-trailer", trailer.HeaderName));
            }

            message = CreateRequest(HttpMethod.Put, bucket, key, query, headers, content, credentials,
                trailer is null ? SigV4Signer.UnsignedPayload : StreamingUnsignedTrailer);
        }
        catch
        {
            content.Dispose();
            throw;
        }
        finally
        {
            headers.Clear();
        }

        using (message)
        {
            message.Headers.ExpectContinue = length >= ExpectContinueFrom ? true : null;
            using var response = await SendAsync(message, cancellationToken);
            return new ObjectPutResponse(Header(response, "ETag") ?? string.Empty, Header(response, "x-amz-version-id"));
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        var deadline = _deadlines.Next();
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline) : null;
        var token = linked?.Token ?? deadline;
        try
        {
            var response = await _http.SendAsync(message, token);
            if ((int)response.StatusCode < 300)
            {
                return response;
            }

            using (response)
            {
                var error = await S3ErrorResponse.ReadAsync(response, token);
                if (error.ErrorCode == RequestTimeTooSkewed && response.Headers.Date is { } serverTime)
                {
                    // Sign by the server's clock from now on; the retry then goes through.
                    Interlocked.Exchange(ref _clockSkewTicks, (serverTime - _clock.GetUtcNow()).Ticks);
                }

                throw error;
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer from the endpoint within {_deadlines.Timeout}", e);
        }
    }

    private HttpRequestMessage CreateRequest(
        HttpMethod method, string bucket, string key, string query, List<KeyValuePair<string, string>> headers, HttpContent? content,
        ImmutableCredentials credentials, string payloadHash)
    {
        var virtualHost = VirtualHost(bucket);
        var host = virtualHost ?? _serviceHost;
        var uri = t_uri ??= new StringBuilder(256);
        uri.Clear().Append(_basePath).Append('/');
        if (virtualHost is null)
        {
            uri.Append(bucket).Append('/');
        }

        S3UriEncoding.Append(uri, key, keepSlash: true);
        var path = uri.ToString();
        var amzDate = AmzDate();
        headers.Add(new("host", host));
        headers.Add(new("x-amz-content-sha256", payloadHash));
        headers.Add(new("x-amz-date", amzDate));
        if (credentials.UseToken)
        {
            headers.Add(new("x-amz-security-token", credentials.Token));
        }

        SortByName(headers);
        var authorization = _signer.Authorize(credentials.AccessKey, credentials.SecretKey, amzDate, method.Method, path, query, headers, payloadHash);

        uri.Clear().Append(_scheme).Append(host).Append(path);
        if (query.Length > 0)
        {
            uri.Append('?').Append(query);
        }

        var message = new HttpRequestMessage(method, new Uri(uri.ToString(), VerbatimUri)) { Content = content };
        if (uri.Capacity > 8 * 1024)
        {
            t_uri = null;
        }

        foreach (var (name, value) in headers)
        {
            if (name == "host")
            {
                message.Headers.Host = value;
            }
            else if (content is not null && ContentHeaders.Contains(name))
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        message.Headers.TryAddWithoutValidation("Authorization", authorization);
        return message;
    }

    /// <summary>The bucket's own host name in virtual-host style, or null when the bucket goes in the path.</summary>
    private string? VirtualHost(string bucket)
    {
        if (_options.UsesPathStyle || !IsDnsCompatible(bucket, _options.UsesTls))
        {
            return null;
        }

        if (Volatile.Read(ref _lastVirtualHost) is { } last && last.Bucket == bucket)
        {
            return last.Host;
        }

        var host = bucket + "." + _serviceHost;
        Volatile.Write(ref _lastVirtualHost, new VirtualHostName(bucket, host));
        return host;
    }

    /// <summary>Bucket names usable as a host label (with TLS, no dots: the certificate covers one level only).</summary>
    private static bool IsDnsCompatible(string bucket, bool tls)
    {
        if (bucket.Length is < 3 or > 63 || bucket[0] == '-' || bucket[^1] == '-' || bucket[0] == '.' || bucket[^1] == '.')
        {
            return false;
        }

        foreach (var c in bucket)
        {
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' || (c == '.' && !tls)))
            {
                return false;
            }
        }

        return !bucket.Contains("..", StringComparison.Ordinal);
    }

    private string AmzDate()
    {
        var now = _clock.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _clockSkewTicks));
        var second = now.ToUnixTimeSeconds();
        if (Volatile.Read(ref _lastAmzDate) is { } last && last.Second == second)
        {
            return last.Value;
        }

        var value = SigV4Signer.AmzDate(now);
        Volatile.Write(ref _lastAmzDate, new AmzDateText(second, value));
        return value;
    }

    private static List<KeyValuePair<string, string>> Headers() => t_headers ??= new List<KeyValuePair<string, string>>(24);

    /// <summary>Insertion sort: a dozen headers, mostly in order already.</summary>
    private static void SortByName(List<KeyValuePair<string, string>> headers)
    {
        for (var i = 1; i < headers.Count; i++)
        {
            var item = headers[i];
            var j = i - 1;
            while (j >= 0 && string.CompareOrdinal(headers[j].Key, item.Key) > 0)
            {
                headers[j + 1] = headers[j];
                j--;
            }

            headers[j + 1] = item;
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;

    private sealed record VirtualHostName(string Bucket, string Host);

    /// <summary>The trailer a streamed body ends with: the header it carries and the algorithm's name.</summary>
    private sealed record StreamingTrailer(string HeaderName, string Algorithm);

    private sealed record AmzDateText(long Second, string Value);
}
