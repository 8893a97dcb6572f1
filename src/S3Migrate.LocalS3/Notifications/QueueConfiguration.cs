namespace S3Migrate.LocalS3.Notifications;

/// <summary>One &lt;QueueConfiguration&gt; of a bucket: which events go to which SQS queue, filtered by key prefix/suffix.</summary>
public sealed record QueueConfiguration(string Id, string QueueArn, IReadOnlyList<string> Events, string? Prefix, string? Suffix)
{
    /// <summary>The event types S3 accepts in a queue configuration that LocalS3 can emit or accept.</summary>
    public static readonly IReadOnlySet<string> KnownEvents = new HashSet<string>(StringComparer.Ordinal)
    {
        "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy",
        "s3:ObjectCreated:CompleteMultipartUpload", "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete",
        "s3:ObjectRemoved:DeleteMarkerCreated", "s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed",
        "s3:ObjectTagging:*", "s3:ObjectTagging:Put", "s3:ObjectTagging:Delete",
    };

    /// <summary>True when <paramref name="eventName"/> (e.g. "ObjectCreated:Put") on <paramref name="key"/> should be sent.</summary>
    public bool Matches(string eventName, string key)
    {
        if ((Prefix is not null && !key.StartsWith(Prefix, StringComparison.Ordinal)) ||
            (Suffix is not null && !key.EndsWith(Suffix, StringComparison.Ordinal)))
        {
            return false;
        }

        var qualified = "s3:" + eventName;
        foreach (var pattern in Events)
        {
            if (pattern == qualified ||
                (pattern.EndsWith(":*", StringComparison.Ordinal) && qualified.StartsWith(pattern[..^1], StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
