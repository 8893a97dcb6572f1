using Amazon.Runtime;

namespace S3Migrate.Transfer.Endpoints;

/// <summary>Credentials as a source handed them out, with their expiry when they are temporary.</summary>
public sealed record LoadedCredentials(ImmutableCredentials Credentials, DateTimeOffset? Expiration = null)
{
    /// <summary>The region the source says the keys are for (an SSM parameter's "region"), if it says.</summary>
    public string? Region { get; init; }

    /// <summary>Names the access key (not secret: S3 and CloudTrail show it) in a shortened form; never the secret.</summary>
    public string AccessKeyHint => MaskedKeyId(Credentials.AccessKey);

    public override string ToString() =>
        Expiration is { } expiration ? $"access key {AccessKeyHint}, expires {expiration:u}" : $"access key {AccessKeyHint}";

    /// <summary>The first and last four characters of an access key id, enough to tell rotated keys apart in logs.</summary>
    public static string MaskedKeyId(string? accessKeyId) =>
        string.IsNullOrEmpty(accessKeyId) ? "(none)"
        : accessKeyId.Length <= 8 ? new string('*', accessKeyId.Length)
        : $"{accessKeyId[..4]}…{accessKeyId[^4..]}";
}
