using System.Net;

namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// A request body of known length read from a stream the caller keeps owning (a buffered part is sent again on a
/// retry, a streamed one is hashed afterwards). Copies in large writes; rewinds when the handler has to send it again.
/// </summary>
internal sealed class UploadBodyContent : HttpContent
{
    /// <summary>Bytes per write to the connection when the stream does not choose for itself.</summary>
    private const int CopyBufferSize = 128 * 1024;

    private readonly Stream _body;
    private readonly long _length;
    private readonly long _start;

    public UploadBodyContent(Stream body, long length)
    {
        _body = body;
        _length = length;
        _start = body.CanSeek ? body.Position : -1;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        Rewind();
        return _body.CopyToAsync(stream, CopyBufferSize, cancellationToken);
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        Rewind();
        _body.CopyTo(stream, CopyBufferSize);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }

    private void Rewind()
    {
        if (_start >= 0)
        {
            _body.Position = _start;
        }
    }
}
