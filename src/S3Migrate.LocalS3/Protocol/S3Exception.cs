namespace S3Migrate.LocalS3.Protocol;

/// <summary>An S3 error response: HTTP status, S3 error code, message and the extra elements S3 adds.</summary>
public sealed class S3Exception : Exception
{
    public S3Exception(int statusCode, string code, string message)
        : base(message)
    {
        StatusCode = statusCode;
        Code = code;
    }

    public int StatusCode { get; }

    public string Code { get; }

    /// <summary>Extra child elements of the &lt;Error&gt; document (Key, BucketName, UploadId…).</summary>
    public List<KeyValuePair<string, string>> Details { get; } = [];

    /// <summary>Extra response headers (x-amz-delete-marker, Last-Modified…).</summary>
    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public S3Exception With(string element, string? value)
    {
        if (value is not null)
        {
            Details.Add(new(element, value));
        }

        return this;
    }

    public S3Exception WithHeader(string name, string value)
    {
        Headers.Add(new(name, value));
        return this;
    }
}
