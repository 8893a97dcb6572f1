namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// Sends the object's Expires header. The AWS SDK for .NET signs an Expires header given to it but drops it from the
/// HTTP request (it is a content header); so the engine passes the value in <see cref="StandInHeader"/>, which is
/// signed and sent, and this handler adds the real Expires header (unsigned, as S3 allows) from it.
/// </summary>
public sealed class ExpiresHeaderHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public const string StandInHeader = "x-s3migrate-expires";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.TryGetValues(StandInHeader, out var values) && values.FirstOrDefault() is { } expires)
        {
            request.Content ??= new ByteArrayContent([]);
            request.Content.Headers.Remove("Expires");
            request.Content.Headers.TryAddWithoutValidation("Expires", expires);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
