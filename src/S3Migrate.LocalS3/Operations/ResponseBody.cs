using System.Buffers;
using Microsoft.AspNetCore.Http;
using S3Migrate.LocalS3.Faults;
using S3Migrate.LocalS3.Payload;

namespace S3Migrate.LocalS3.Operations;

/// <summary>The response body as operations write it: counted, paced by bandwidth limiters, and cut when a fault says so.</summary>
public sealed class ResponseBody(HttpContext http)
{
    private const int PacingSlice = 64 * 1024;

    public IReadOnlyList<BandwidthLimiter> Limiters { get; set; } = [];

    /// <summary>When set, the connection is aborted after this many body bytes.</summary>
    public long? AbortAfterBytes { get; set; }

    public long BytesWritten { get; private set; }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var take = data.Length;
            if (AbortAfterBytes is { } limit)
            {
                if (BytesWritten >= limit)
                {
                    await http.Response.BodyWriter.FlushAsync(cancellationToken);
                    http.Abort();
                    throw new RequestAbortedException("connection reset in the response body (fault injection)");
                }

                take = (int)Math.Min(take, limit - BytesWritten);
            }

            if (Limiters.Count > 0)
            {
                take = Math.Min(take, PacingSlice);
                foreach (var limiter in Limiters)
                {
                    take = await limiter.AcquireAsync(take, cancellationToken);
                }
            }

            if (http.Response.ContentLength is { } length && BytesWritten + take >= length)
            {
                // The body's last bytes stay in the pipe until the request handler has counted the request and
                // flushes them, so the client cannot have the whole answer before that.
                http.Response.BodyWriter.Write(data.Span[..take]);
            }
            else
            {
                // Straight to the pipe: the Stream wrapper would turn every flush that waits into a Task.
                await http.Response.BodyWriter.WriteAsync(data[..take], cancellationToken);
            }

            BytesWritten += take;
            data = data[take..];
        }

        if (AbortAfterBytes is { } end && BytesWritten >= end)
        {
            await http.Response.BodyWriter.FlushAsync(cancellationToken);
            http.Abort();
            throw new RequestAbortedException("connection reset in the response body (fault injection)");
        }
    }

    public async Task WriteXmlAsync(byte[] document, CancellationToken cancellationToken, int statusCode = StatusCodes.Status200OK)
    {
        http.Response.StatusCode = statusCode;
        http.Response.ContentType = "application/xml";
        http.Response.ContentLength = document.Length;
        await WriteAsync(document, cancellationToken);
    }
}
