using S3Migrate.LocalS3.Payload;

namespace S3Migrate.LocalS3.Storage;

/// <summary>Writes a new blob. Nothing is visible until <see cref="Complete"/>; <see cref="Dispose"/> discards an unfinished one.</summary>
public abstract class BlobWriter : IPayloadSink, IDisposable
{
    public abstract long Length { get; }

    public abstract ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    public abstract ValueTask<Blob> CompleteAsync(CancellationToken cancellationToken);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);
}
