namespace S3Migrate.Transfer.Retry;

/// <summary>What a failed request means for the object being copied.</summary>
public enum FailureKind
{
    /// <summary>Try the same request again after a backoff (5xx, SlowDown, throttling, timeouts, resets, BadDigest).</summary>
    Transient,

    /// <summary>Bytes did not arrive intact (short or long body, ETag or checksum mismatch): send them again after a backoff.</summary>
    Integrity,

    /// <summary>Reload the endpoint's credentials, then try again (rotated or expired keys).</summary>
    Credentials,

    /// <summary>A read pinned to the source's ETag or version got 412: the source changed; restart on the new version.</summary>
    SourceChanged,

    /// <summary>The multipart upload vanished (aborted elsewhere); start a new one.</summary>
    UploadGone,

    /// <summary>Retrying cannot help (NoSuchKey, AccessDenied, NoSuchBucket, InvalidObjectState…): the object fails with the reason.</summary>
    Permanent,

    /// <summary>The caller cancelled.</summary>
    Cancelled,
}
