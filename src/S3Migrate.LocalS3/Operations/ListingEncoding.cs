using S3Migrate.LocalS3.Protocol;

namespace S3Migrate.LocalS3.Operations;

/// <summary>encoding-type=url: keys and prefixes in listings are percent-encoded (keeping '/').</summary>
public static class ListingEncoding
{
    public static Func<string, string> Read(QueryParameters query)
    {
        var type = query.Get("encoding-type");
        return type switch
        {
            null => static value => value,
            "url" => static value => S3Encoding.UriEncode(value, keepSlash: true),
            _ => throw S3Errors.InvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", type),
        };
    }
}
