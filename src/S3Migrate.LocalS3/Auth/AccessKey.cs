namespace S3Migrate.LocalS3.Auth;

/// <summary>What a key may do. S3 policies are far richer; tests need "can read", "can write" and "can do both".</summary>
[Flags]
public enum AccessRights
{
    None = 0,
    Read = 1,
    Write = 2,
    ReadWrite = Read | Write,
}

/// <summary>An access key pair of one endpoint, optionally limited to some buckets.</summary>
public sealed record AccessKey(string AccessKeyId, string SecretAccessKey, AccessRights Rights = AccessRights.ReadWrite)
{
    /// <summary>When set, the key can only reach these buckets (and cannot list or create buckets).</summary>
    public IReadOnlySet<string>? Buckets { get; init; }

    public bool Allows(string? bucket, AccessRights needed) =>
        (Rights & needed) == needed && (Buckets is null || (bucket is not null && Buckets.Contains(bucket)));

    public override string ToString() => $"AccessKey {{ AccessKeyId = {AccessKeyId}, Rights = {Rights} }}";
}
