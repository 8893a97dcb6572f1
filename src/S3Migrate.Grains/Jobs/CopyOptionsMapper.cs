using Amazon.S3;
using S3Migrate.Abstractions;
using S3Migrate.Transfer.Copy;

namespace S3Migrate.Grains.Jobs;

/// <summary>Turns a migration's options into the engine's per-copy options.</summary>
public static class CopyOptionsMapper
{
    public static CopyOptions ToCopyOptions(this MigrationOptions options) => new()
    {
        StorageClass = options.StorageClass is { Length: > 0 } storageClass ? new S3StorageClass(storageClass) : null,
        Encryption = options.Encryption switch
        {
            null or "" => null,
            "AES256" => ServerSideEncryptionMethod.AES256,
            "aws:kms" => ServerSideEncryptionMethod.AWSKMS,
            var other => throw new ArgumentException($"encryption '{other}' is not AES256 or aws:kms"),
        },
        KmsKeyId = options.KmsKeyId,
        CannedAcl = options.CannedAcl is { Length: > 0 } acl ? new S3CannedACL(acl) : null,
        CopyTags = options.CopyTags,
        RequesterPaysSource = options.RequesterPaysSource,
    };
}
