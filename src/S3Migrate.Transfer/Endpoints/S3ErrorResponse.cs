using System.Globalization;
using System.Net;
using System.Xml;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.S3;

namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// Turns an S3 error answer into the <see cref="AmazonS3Exception"/> the AWS SDK would have thrown for it — error code,
/// status, request id — so that one classification table (<see cref="Retry.S3ErrorClassifier"/>) serves the SDK's
/// requests and the data plane's alike.
/// </summary>
public static class S3ErrorResponse
{
    /// <summary>Error documents are a few hundred bytes; anything longer is not one.</summary>
    private const int MaxErrorBodyChars = 64 * 1024;

    public static async Task<AmazonS3Exception> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // The status is still worth classifying when the error body was cut off.
            body = string.Empty;
        }

        var (code, message, requestId, hostId) = Parse(body.Length > MaxErrorBodyChars ? string.Empty : body);
        var status = response.StatusCode;
        requestId ??= Header(response, "x-amz-request-id");
        hostId ??= Header(response, "x-amz-id-2");

        // Without a body (HEAD-like answers, a proxy's bare status) the SDK names the status as the code; so do we.
        code ??= status.ToString();
        message ??= string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)status} {response.ReasonPhrase}");
        var errorType = (int)status >= 500 ? ErrorType.Receiver : ErrorType.Sender;
        return new AmazonS3Exception(message, null, errorType, code, requestId, status, hostId);
    }

    /// <summary>Code, Message, RequestId and HostId of an &lt;Error&gt; document (any namespace), or nulls.</summary>
    public static (string? Code, string? Message, string? RequestId, string? HostId) Parse(string body)
    {
        if (body.Length == 0 || body.AsSpan().TrimStart() is not ['<', ..])
        {
            return (null, null, null, null);
        }

        try
        {
            var root = XDocument.Parse(body).Root;
            if (root is null || root.Name.LocalName != "Error")
            {
                return (null, null, null, null);
            }

            return (Child(root, "Code"), Child(root, "Message"), Child(root, "RequestId"), Child(root, "HostId"));
        }
        catch (XmlException)
        {
            // Not an error document after all: the status decides.
            return (null, null, null, null);
        }
    }

    private static string? Child(XElement parent, string name)
    {
        foreach (var element in parent.Elements())
        {
            if (element.Name.LocalName == name)
            {
                return element.Value.Length > 0 ? element.Value : null;
            }
        }

        return null;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;
}
