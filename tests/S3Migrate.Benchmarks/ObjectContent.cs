using System.Globalization;
using System.Security.Cryptography;

namespace S3Migrate.Benchmarks;

/// <summary>
/// Incompressible, reproducible object bytes: object <c>i</c> is a random pool read from its own starting offset,
/// wrapping around. Nothing per object is stored, so the benchmark can upload gigabytes and later recompute any
/// object's MD5 (or multipart ETag for a given part size) to check a destination copy against.
/// </summary>
public sealed class ObjectContent
{
    /// <summary>A prime near 4 MiB: consecutive objects start at unrelated offsets of the pool.</summary>
    private const long Stride = 4_194_301;

    private readonly byte[] _pool;

    public ObjectContent(int poolBytes, int seed)
    {
        _pool = GC.AllocateUninitializedArray<byte>(poolBytes);
        new Random(seed).NextBytes(_pool);
    }

    /// <summary>A seekable read-only stream of object <paramref name="index"/>'s first <paramref name="length"/> bytes.</summary>
    public Stream Open(int index, long length) => new ContentStream(this, Start(index), length);

    /// <summary>The ETag S3 gives the object when uploaded in parts of <paramref name="partSize"/> (or in one piece, when it fits).</summary>
    public string ETag(int index, long length, long partSize)
    {
        if (length <= partSize)
        {
            return Convert.ToHexStringLower(Md5(index, 0, length));
        }

        using var ofParts = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var count = 0;
        for (long offset = 0; offset < length; offset += partSize, count++)
        {
            ofParts.AppendData(Md5(index, offset, Math.Min(partSize, length - offset)));
        }

        return Convert.ToHexStringLower(ofParts.GetHashAndReset()) + "-" + count.ToString(CultureInfo.InvariantCulture);
    }

    private byte[] Md5(int index, long offset, long count)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var position = (Start(index) + offset) % _pool.Length;
        while (count > 0)
        {
            var take = (int)Math.Min(count, _pool.Length - position);
            md5.AppendData(_pool.AsSpan((int)position, take));
            count -= take;
            position = 0;
        }

        return md5.GetHashAndReset();
    }

    private long Start(int index) => index * Stride % _pool.Length;

    private sealed class ContentStream(ObjectContent content, long start, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => _position = Math.Clamp(value, 0, length);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var pool = content._pool;
            var total = 0;
            while (!buffer.IsEmpty && _position < length)
            {
                var at = (int)((start + _position) % pool.Length);
                var take = (int)Math.Min(Math.Min(buffer.Length, pool.Length - at), length - _position);
                pool.AsSpan(at, take).CopyTo(buffer);
                buffer = buffer[take..];
                _position += take;
                total += take;
            }

            return total;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
