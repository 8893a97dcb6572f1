using System.Net;

namespace S3Migrate.Transfer.Endpoints;

/// <summary>The HTTP content of a <see cref="StreamedBody"/>: its wire length, and its one pass from source to connection.</summary>
internal sealed class StreamedBodyContent(StreamedBody body) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        body.WriteToAsync(stream, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        body.WriteToAsync(stream, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = body.WireLength;
        return true;
    }
}
