namespace S3Migrate.LocalS3.Storage;

/// <summary>Keeps the store's metadata across restarts (disk storage); memory storage uses <see cref="NoPersistence"/>.</summary>
public interface IStorePersistence
{
    void SaveBucket(BucketState bucket);

    void DeleteBucket(string bucket);

    void SaveVersion(string bucket, ObjectVersion version);

    void DeleteVersion(string bucket, ObjectVersion version);

    void SaveUpload(string bucket, MultipartUpload upload);

    void SavePart(string bucket, string uploadId, UploadedPart part);

    void DeleteUpload(string bucket, string uploadId);

    /// <summary>Reads back every bucket, version and upload, and the highest sequence number used.</summary>
    (IReadOnlyList<BucketState> Buckets, long MaxSequence) Load(BlobStore blobs);
}

public sealed class NoPersistence : IStorePersistence
{
    public static readonly NoPersistence Instance = new();

    public void SaveBucket(BucketState bucket)
    {
    }

    public void DeleteBucket(string bucket)
    {
    }

    public void SaveVersion(string bucket, ObjectVersion version)
    {
    }

    public void DeleteVersion(string bucket, ObjectVersion version)
    {
    }

    public void SaveUpload(string bucket, MultipartUpload upload)
    {
    }

    public void SavePart(string bucket, string uploadId, UploadedPart part)
    {
    }

    public void DeleteUpload(string bucket, string uploadId)
    {
    }

    public (IReadOnlyList<BucketState> Buckets, long MaxSequence) Load(BlobStore blobs) => ([], 0);
}
