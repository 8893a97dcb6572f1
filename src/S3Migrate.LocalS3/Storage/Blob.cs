namespace S3Migrate.LocalS3.Storage;

/// <summary>Immutable bytes of one object or part, in memory or in a file. Each blob has exactly one owner.</summary>
public abstract class Blob
{
    public abstract long Length { get; }

    /// <summary>The file that holds the bytes (disk storage), used to persist references.</summary>
    public abstract string? FileName { get; }

    /// <summary>
    /// Hands <paramref name="count"/> bytes from <paramref name="offset"/> to <paramref name="write"/>, in order. Throws
    /// <see cref="BlobDeletedException"/> if the blob was deleted and nobody still reads it.
    /// </summary>
    public abstract ValueTask CopyToAsync(
        long offset, long count, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps the bytes readable until the lease is disposed, even if the owner deletes the blob meanwhile; null when
    /// the blob was already deleted. Blobs whose bytes outlive deletion for open readers anyway lease nothing.
    /// </summary>
    public virtual IDisposable? TryLease() => NoLease.Instance;

    /// <summary>Releases the bytes (deletes the file). Called once, by the blob's owner.</summary>
    public abstract void Delete();

    /// <summary>Leases all of <paramref name="blobs"/>, or none (null) if any was deleted.</summary>
    public static IDisposable? TryLeaseAll(IReadOnlyList<Blob> blobs)
    {
        var leases = new List<IDisposable>(blobs.Count);
        foreach (var blob in blobs)
        {
            if (blob.TryLease() is not { } lease)
            {
                leases.ForEach(static l => l.Dispose());
                return null;
            }

            leases.Add(lease);
        }

        return new Leases(leases);
    }

    private sealed class NoLease : IDisposable
    {
        public static readonly NoLease Instance = new();

        public void Dispose()
        {
        }
    }

    private sealed class Leases(List<IDisposable> leases) : IDisposable
    {
        public void Dispose() => leases.ForEach(static l => l.Dispose());
    }
}

/// <summary>A blob was read after its owner deleted it (and no reader held it).</summary>
public sealed class BlobDeletedException() : InvalidOperationException("The blob was deleted.");
