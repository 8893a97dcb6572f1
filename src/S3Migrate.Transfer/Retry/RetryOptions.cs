namespace S3Migrate.Transfer.Retry;

/// <summary>Retries per request: exponential backoff with full jitter, bounded by MaxRetry.</summary>
public sealed record RetryOptions
{
    /// <summary>Retries after the first attempt (the original tool's MaxRetry).</summary>
    public int MaxRetries { get; init; } = 10;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Credential reloads allowed per request before an auth error counts as permanent.</summary>
    public int MaxCredentialRefreshes { get; init; } = 2;

    public string? Validate() =>
        MaxRetries < 0 ? "MaxRetry must not be negative"
        : BaseDelay < TimeSpan.Zero || MaxDelay < BaseDelay ? "retry delays: the base must be non-negative and not above the maximum"
        : null;
}
