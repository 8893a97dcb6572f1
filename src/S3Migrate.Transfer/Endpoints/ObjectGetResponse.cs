using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// A successful GetObject: the body to stream and the object's headers, read as sent (no parsing beyond what is asked
/// for). Disposing it releases the connection.
/// </summary>
public sealed class ObjectGetResponse : IDisposable
{
    private const string MetadataPrefix = "x-amz-meta-";

    private readonly HttpResponseMessage _response;

    internal ObjectGetResponse(HttpResponseMessage response, Stream body)
    {
        _response = response;
        Body = body;
    }

    public HttpStatusCode StatusCode => _response.StatusCode;

    /// <summary>The bytes of the object (or of the range asked for).</summary>
    public Stream Body { get; }

    /// <summary>The length of the body.</summary>
    public long ContentLength => _response.Content.Headers.ContentLength ?? 0;

    /// <summary>The ETag, quoted as S3 sends it.</summary>
    public string? ETag => Header("ETag");

    public string? VersionId => Header("x-amz-version-id");

    public DateTimeOffset? LastModified =>
        Header("Last-Modified") is { } value && DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;

    /// <summary>A response header's value as sent (several values joined with ", "), or null.</summary>
    public string? Header(string name)
    {
        if (_response.Headers.NonValidated.TryGetValues(name, out var values) || _response.Content.Headers.NonValidated.TryGetValues(name, out values))
        {
            return values.ToString();
        }

        return null;
    }

    /// <summary>User metadata: names without the x-amz-meta- prefix, lowercase as S3 stores them.</summary>
    public List<KeyValuePair<string, string>> Metadata()
    {
        var metadata = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in _response.Headers.NonValidated)
        {
            if (name.Length > MetadataPrefix.Length && name.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase))
            {
                metadata.Add(new(name[MetadataPrefix.Length..].ToLowerInvariant(), values.ToString()));
            }
        }

        return metadata;
    }

    public void Dispose()
    {
        Body.Dispose();
        _response.Dispose();
    }
}
