using System.Buffers;

namespace S3Migrate.LocalS3.Storage;

/// <summary>Keeps each blob in its own file under one directory, so data sets larger than memory work.</summary>
public sealed class FileBlobStore : BlobStore
{
    private const int WriteBufferSize = 1024 * 1024;
    private const int ReadBufferSize = 256 * 1024;

    private readonly string _directory;

    public FileBlobStore(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
    }

    public override BlobWriter CreateWriter(long? expectedLength) =>
        new Writer(Path.Combine(_directory, Guid.NewGuid().ToString("N")));

    public override Blob Open(string fileName, long length) => new FileBlob(Path.Combine(_directory, fileName), length);

    public override void DeleteUnreferenced(IReadOnlySet<string> referencedFileNames)
    {
        foreach (var path in Directory.EnumerateFiles(_directory))
        {
            if (!referencedFileNames.Contains(Path.GetFileName(path)))
            {
                File.Delete(path);
            }
        }
    }

    private sealed class FileBlob(string path, long length) : Blob
    {
        public override long Length => length;

        public override string FileName => Path.GetFileName(path);

        public override async ValueTask CopyToAsync(
            long offset, long count, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, CancellationToken cancellationToken)
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
            try
            {
                while (count > 0)
                {
                    var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), offset, cancellationToken);
                    if (read == 0)
                    {
                        throw new IOException($"Blob file {FileName} is shorter than its recorded length.");
                    }

                    await write(buffer.AsMemory(0, read), cancellationToken);
                    offset += read;
                    count -= read;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        public override void Delete() => File.Delete(path);
    }

    private sealed class Writer(string path) : BlobWriter
    {
        private FileStream? _stream = new(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, WriteBufferSize, FileOptions.None);
        private long _length;
        private bool _completed;

        public override long Length => _length;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            await _stream!.WriteAsync(data, cancellationToken);
            _length += data.Length;
        }

        public override async ValueTask<Blob> CompleteAsync(CancellationToken cancellationToken)
        {
            await _stream!.FlushAsync(cancellationToken);
            await _stream.DisposeAsync();
            _stream = null;
            _completed = true;
            return new FileBlob(path, _length);
        }

        protected override void Dispose(bool disposing)
        {
            _stream?.Dispose();
            _stream = null;
            if (!_completed)
            {
                File.Delete(path);
            }
        }
    }
}
