namespace S3Migrate.Testing;

/// <summary>How a test's AWS SDK S3 client talks to a LocalS3 endpoint.</summary>
public sealed record S3ClientOptions
{
    /// <summary>SDK defaults (WHEN_SUPPORTED: aws-chunked bodies with a CRC32 trailer), or WHEN_REQUIRED.</summary>
    public bool WhenRequiredChecksums { get; init; }

    /// <summary>Overrides the endpoint's first key pair.</summary>
    public string? AccessKeyId { get; init; }

    public string? SecretAccessKey { get; init; }

    /// <summary>The region the client signs for; defaults to the endpoint's region.</summary>
    public string? Region { get; init; }

    /// <summary>SDK retries; 0 makes every server answer visible to the test.</summary>
    public int MaxErrorRetry { get; init; }

    /// <summary>bucket.localhost host names instead of path-style URLs.</summary>
    public bool VirtualHosted { get; init; }
}
