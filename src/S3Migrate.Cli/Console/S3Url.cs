namespace S3Migrate.Cli.Console;

/// <summary>An s3://bucket/prefix argument. The prefix is kept exactly (it is a key prefix, not a path).</summary>
public sealed record S3Url(string Bucket, string Prefix)
{
    public static S3Url Parse(string text, string what)
    {
        const string Scheme = "s3://";
        if (!text.StartsWith(Scheme, StringComparison.Ordinal))
        {
            throw new UsageException($"{what} '{text}' is not an S3 URL: expected s3://bucket[/prefix]");
        }

        var rest = text[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? string.Empty : rest[(slash + 1)..];
        if (bucket.Length is < 3 or > 63 || !bucket.All(static c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-' or '_'))
        {
            throw new UsageException($"{what} '{text}': '{bucket}' is not a bucket name (3-63 lower-case letters, digits, '.', '-')");
        }

        return new S3Url(bucket, prefix);
    }

    public override string ToString() => $"s3://{Bucket}/{Prefix}";
}
