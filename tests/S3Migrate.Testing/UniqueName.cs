namespace S3Migrate.Testing;

/// <summary>
/// Names for tables, queues and buckets that no other test (or earlier run against the same stand-in) uses.
/// The result is valid for DynamoDB tables (3–255 chars), SQS queues (≤ 80) and S3 buckets (≤ 63) as long as
/// the prefix is lower-case letters, digits and hyphens of at most 30 characters.
/// </summary>
public static class UniqueName
{
    private const int MaxPrefixLength = 30;

    public static string For(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefix.Length, MaxPrefixLength);
        return $"{prefix}-{Guid.NewGuid():N}";
    }
}
