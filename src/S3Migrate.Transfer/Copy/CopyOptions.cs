using Amazon.S3;

namespace S3Migrate.Transfer.Copy;

/// <summary>Per-migration choices for what the destination object gets beyond the source's bytes and attributes.</summary>
public sealed record CopyOptions
{
    /// <summary>The destination's storage class; null keeps the source's (STANDARD for archived sources' restored copies).</summary>
    public S3StorageClass? StorageClass { get; init; }

    /// <summary>Server-side encryption at the destination: null (bucket default), AES256 or aws:kms.</summary>
    public ServerSideEncryptionMethod? Encryption { get; init; }

    /// <summary>The KMS key for aws:kms at the destination.</summary>
    public string? KmsKeyId { get; init; }

    /// <summary>A canned ACL such as bucket-owner-full-control.</summary>
    public S3CannedACL? CannedAcl { get; init; }

    /// <summary>Copy object tags (one GetObjectTagging per tagged object).</summary>
    public bool CopyTags { get; init; } = true;

    /// <summary>The source bucket is requester-pays: requests say so and are charged to us.</summary>
    public bool RequesterPaysSource { get; init; }

    /// <summary>Use the source's part size when it is multipart, so the destination's ETag equals the source's.</summary>
    public bool PreserveSourcePartLayout { get; init; } = true;

    /// <summary>HEAD single-part objects after the PUT too (the PUT's Content-MD5 and ETag already prove the bytes).</summary>
    public bool VerifySinglePartWithHead { get; init; }

    /// <summary>Use CopyObject/UploadPartCopy when source and destination are the same S3 with the same credentials.</summary>
    public bool AllowServerSideCopy { get; init; } = true;
}
