namespace S3Migrate.LocalS3.Storage;

/// <summary>Everything set when an object is written that is not its bytes: headers, metadata, class, tags, encryption.</summary>
public sealed record ObjectAttributes
{
    public const string DefaultStorageClass = "STANDARD";

    /// <summary>S3 encrypts every new object with SSE-S3 unless told otherwise.</summary>
    public const string DefaultSseAlgorithm = "AES256";

    public const string KmsSseAlgorithm = "aws:kms";

    public string? ContentType { get; init; }

    public string? ContentEncoding { get; init; }

    public string? ContentLanguage { get; init; }

    public string? ContentDisposition { get; init; }

    public string? CacheControl { get; init; }

    public string? Expires { get; init; }

    public string? WebsiteRedirectLocation { get; init; }

    /// <summary>User metadata: lower-case names without the x-amz-meta- prefix.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> UserMetadata { get; init; } = [];

    public string StorageClass { get; init; } = DefaultStorageClass;

    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];

    public string SseAlgorithm { get; init; } = DefaultSseAlgorithm;

    public string? SseKmsKeyId { get; init; }

    public bool BucketKeyEnabled { get; init; }

    /// <summary>Archived classes whose bytes cannot be read without a restore.</summary>
    public bool IsArchived => StorageClass is "GLACIER" or "DEEP_ARCHIVE";
}
