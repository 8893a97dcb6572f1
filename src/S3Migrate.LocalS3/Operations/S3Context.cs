using Microsoft.AspNetCore.Http;
using S3Migrate.LocalS3.Auth;
using S3Migrate.LocalS3.Faults;
using S3Migrate.LocalS3.Hosting;
using S3Migrate.LocalS3.Payload;
using S3Migrate.LocalS3.Protocol;
using S3Migrate.LocalS3.Storage;

namespace S3Migrate.LocalS3.Operations;

/// <summary>One S3 request being served: where it points, who signed it, and its body and response.</summary>
public sealed class S3Context
{
    public required HttpContext Http { get; init; }

    public required LocalS3Endpoint Endpoint { get; init; }

    public required string Operation { get; init; }

    public string? BucketName { get; init; }

    public string? Key { get; init; }

    public required QueryParameters Query { get; init; }

    public AuthResult Auth { get; set; } = null!;

    public required RequestBodySource Body { get; init; }

    public required ResponseBody Output { get; init; }

    public FaultKind? Fault { get; set; }

    public S3Store Store => Endpoint.Store;

    public HttpRequest Request => Http.Request;

    public HttpResponse Response => Http.Response;

    public CancellationToken Aborted => Http.RequestAborted;

    public string ObjectKey => Key ?? throw S3Errors.InvalidRequest("This operation needs an object key.");

    public BucketState Bucket() => Store.GetBucket(BucketName ?? throw S3Errors.InvalidRequest("This operation needs a bucket."));

    /// <summary>A request header's value, or null when it is absent or empty.</summary>
    public string? Header(string name)
    {
        var value = Request.Headers[name].ToString();
        return value.Length == 0 ? null : value;
    }

    public void SetHeader(string name, string? value)
    {
        if (value is not null)
        {
            Response.Headers[name] = value;
        }
    }

    /// <summary>Decodes the body (checking its signature or hash) into <paramref name="sink"/>.</summary>
    public ValueTask<PayloadResult> ReadBodyAsync(IPayloadSink sink) =>
        PayloadDecoder.Create(Request, Auth, Body).CopyToAsync(sink, Aborted);

    /// <summary>
    /// Reads a small request document (XML) whole, checking Content-MD5 and any x-amz-checksum-* header against it —
    /// except for CompleteMultipartUpload, where those headers describe the object being completed, not the body.
    /// </summary>
    public async Task<byte[]> ReadDocumentAsync(bool checksumHeadersDescribeBody = true)
    {
        var sink = new DocumentSink();
        var decoder = PayloadDecoder.Create(Request, Auth, Body);
        var payload = await decoder.CopyToAsync(sink, Aborted);
        var body = sink.Stream.ToArray();
        if (ObjectHeaders.ParseContentMd5(Header("Content-MD5")) is { } md5 &&
            !md5.AsSpan().SequenceEqual(System.Security.Cryptography.MD5.HashData(body)))
        {
            throw S3Errors.BadDigest();
        }

        if (checksumHeadersDescribeBody && ChecksumRequest.FromRequest(this) is { } checksum)
        {
            checksum.Verify(Checksums.ChecksumHasher.Compute(checksum.Algorithm, body), payload);
        }

        return body;
    }

    private sealed class DocumentSink : IPayloadSink
    {
        public MemoryStream Stream { get; } = new();

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            if (Stream.Length + data.Length > S3Xml.MaxRequestDocumentBytes)
            {
                throw S3Errors.MalformedXml();
            }

            Stream.Write(data.Span);
            return ValueTask.CompletedTask;
        }
    }
}
