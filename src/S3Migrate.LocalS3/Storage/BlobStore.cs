namespace S3Migrate.LocalS3.Storage;

/// <summary>Where object bytes live: memory or a directory.</summary>
public abstract class BlobStore
{
    /// <summary>Starts a blob; <paramref name="expectedLength"/> (when known) sizes the first buffers.</summary>
    public abstract BlobWriter CreateWriter(long? expectedLength);

    /// <summary>Re-opens a blob persisted earlier (disk storage only).</summary>
    public abstract Blob Open(string fileName, long length);

    /// <summary>Removes persisted blobs that no object or part refers to any more (after a crash).</summary>
    public abstract void DeleteUnreferenced(IReadOnlySet<string> referencedFileNames);
}
