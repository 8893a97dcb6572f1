using System.Text;

namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// Restores the leading slash(es) of object keys in request URLs (see <see cref="ObjectKeyScope"/>), so that what
/// is sent is what was signed and the right key is addressed.
/// </summary>
public sealed class LeadingSlashKeyHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri && ObjectKeyScope.Objects.Count > 0)
        {
            var decoded = Uri.UnescapeDataString(uri.AbsolutePath);
            foreach (var (bucket, key) in ObjectKeyScope.Objects)
            {
                // The SDK drops one leading '/' of a key; accept a fully trimmed form as well.
                string? path = null;
                if (Matches(decoded, "/" + bucket + "/", key))
                {
                    path = "/" + bucket + "/" + Encode(key);
                }
                else if (Matches(decoded, "/", key))
                {
                    path = "/" + Encode(key);
                }

                if (path is not null)
                {
                    request.RequestUri = new Uri(uri.GetLeftPart(UriPartial.Authority) + path + uri.Query);
                    break;
                }
            }
        }

        return base.SendAsync(request, cancellationToken);
    }

    private static bool Matches(string decodedPath, string prefix, string key) =>
        decodedPath.Length > prefix.Length && decodedPath.StartsWith(prefix, StringComparison.Ordinal) &&
        (decodedPath.AsSpan(prefix.Length).SequenceEqual(key.AsSpan(1)) ||
         decodedPath.AsSpan(prefix.Length).SequenceEqual(key.AsSpan().TrimStart('/')));

    /// <summary>Percent-encodes every byte but unreserved characters and '/', as SigV4's canonical form does.</summary>
    private static string Encode(string key)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            if (b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9'
                or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~' or (byte)'/')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
