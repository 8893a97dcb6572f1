using System.Buffers;

namespace S3Migrate.Transfer.Buffers;

/// <summary>
/// The bytes of one part (or small object) held in pooled 1 MiB segments: filled once from the source while
/// hashing, then read (possibly several times, for retries) as a seekable stream. Never one giant array.
/// </summary>
public sealed class PartBuffer : IDisposable
{
    public const int SegmentSize = 1024 * 1024;

    private static readonly ArrayPool<byte> Segments = ArrayPool<byte>.Create(SegmentSize, maxArraysPerBucket: 1024);

    private readonly List<byte[]> _segments = [];
    private bool _disposed;

    public long Length { get; private set; }

    /// <summary>Reads <paramref name="source"/> to its end (at most <paramref name="limit"/> bytes), handing each chunk to <paramref name="observe"/>.</summary>
    public async Task FillAsync(Stream source, long limit, Action<ReadOnlySpan<byte>> observe, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (Length < limit)
        {
            var offset = (int)(Length % SegmentSize);
            if (offset == 0 && Length / SegmentSize == _segments.Count)
            {
                _segments.Add(Segments.Rent(SegmentSize));
            }

            var segment = _segments[^1];
            var room = (int)Math.Min(SegmentSize - offset, limit - Length);
            var read = await source.ReadAsync(segment.AsMemory(offset, room), cancellationToken);
            if (read == 0)
            {
                return;
            }

            observe(segment.AsSpan(offset, read));
            Length += read;
        }

        // The source must end where the plan says; one more byte means it is longer than expected.
        var probe = new byte[1];
        if (await source.ReadAsync(probe, cancellationToken) != 0)
        {
            throw new Retry.IntegrityException($"the source sent more than the {limit} bytes expected");
        }
    }

    public Stream OpenRead() => new SegmentStream(this);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var segment in _segments)
        {
            Segments.Return(segment);
        }

        _segments.Clear();
    }

    private sealed class SegmentStream(PartBuffer buffer) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => buffer.Length;

        public override long Position
        {
            get => _position;
            set => _position = Math.Clamp(value, 0, buffer.Length);
        }

        public override int Read(byte[] destination, int offset, int count) => Read(destination.AsSpan(offset, count));

        public override int Read(Span<byte> destination)
        {
            ObjectDisposedException.ThrowIf(buffer._disposed, buffer);
            var total = 0;
            while (destination.Length > 0 && _position < buffer.Length)
            {
                var segment = buffer._segments[(int)(_position / SegmentSize)];
                var offset = (int)(_position % SegmentSize);
                var take = (int)Math.Min(Math.Min(SegmentSize - offset, buffer.Length - _position), destination.Length);
                segment.AsSpan(offset, take).CopyTo(destination);
                destination = destination[take..];
                _position += take;
                total += take;
            }

            return total;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(destination.Span));

        /// <summary>
        /// Writes whole segments rather than slices of <paramref name="bufferSize"/>: an HTTP request body (the SDK's
        /// StreamContent copies with its 8 KiB buffer) then reaches the socket in 1 MiB writes, which costs both this
        /// process and the server far fewer system calls and reads than 8 KiB ones.
        /// </summary>
        public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
        {
            while (NextSlice() is { IsEmpty: false } slice)
            {
                await destination.WriteAsync(slice, cancellationToken);
                _position += slice.Length;
            }
        }

        public override void CopyTo(Stream destination, int bufferSize)
        {
            while (NextSlice() is { IsEmpty: false } slice)
            {
                destination.Write(slice.Span);
                _position += slice.Length;
            }
        }

        public override Task<int> ReadAsync(byte[] destination, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(destination.AsSpan(offset, count)));

        /// <summary>The rest of the segment the position is in (empty at the end).</summary>
        private ReadOnlyMemory<byte> NextSlice()
        {
            ObjectDisposedException.ThrowIf(buffer._disposed, buffer);
            if (_position >= buffer.Length)
            {
                return ReadOnlyMemory<byte>.Empty;
            }

            var offset = (int)(_position % SegmentSize);
            var take = (int)Math.Min(SegmentSize - offset, buffer.Length - _position);
            return buffer._segments[(int)(_position / SegmentSize)].AsMemory(offset, take);
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => buffer.Length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] source, int offset, int count) => throw new NotSupportedException();
    }
}
