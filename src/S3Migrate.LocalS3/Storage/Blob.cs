namespace S3Migrate.LocalS3.Storage;

/// <summary>Immutable bytes of one object or part, in memory or in a file. Each blob has exactly one owner.</summary>
public abstract class Blob
{
    public abstract long Length { get; }

    /// <summary>The file that holds the bytes (disk storage), used to persist references.</summary>
    public abstract string? FileName { get; }

    /// <summary>Hands <paramref name="count"/> bytes from <paramref name="offset"/> to <paramref name="write"/>, in order.</summary>
    public abstract ValueTask CopyToAsync(
        long offset, long count, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, CancellationToken cancellationToken);

    /// <summary>Releases the bytes (deletes the file). Called once, by the blob's owner.</summary>
    public abstract void Delete();
}
