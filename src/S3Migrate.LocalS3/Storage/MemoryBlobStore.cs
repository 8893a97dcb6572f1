namespace S3Migrate.LocalS3.Storage;

/// <summary>Keeps blobs in memory, in segments of at most 1 MiB, so large objects never need one huge array.</summary>
public sealed class MemoryBlobStore : BlobStore
{
    /// <summary>The largest segment: big enough for few allocations, small enough to avoid giant arrays.</summary>
    public const int SegmentSize = 1024 * 1024;

    public override BlobWriter CreateWriter(long? expectedLength) => new Writer(expectedLength);

    public override Blob Open(string fileName, long length) =>
        throw new NotSupportedException("Memory storage does not persist blobs.");

    public override void DeleteUnreferenced(IReadOnlySet<string> referencedFileNames)
    {
    }

    private sealed class MemoryBlob(List<byte[]> segments, long length) : Blob
    {
        public override long Length => length;

        public override string? FileName => null;

        public override async ValueTask CopyToAsync(
            long offset, long count, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, CancellationToken cancellationToken)
        {
            var position = 0L;
            foreach (var segment in segments)
            {
                if (count <= 0)
                {
                    break;
                }

                if (position + segment.Length <= offset)
                {
                    position += segment.Length;
                    continue;
                }

                var start = (int)Math.Max(0, offset - position);
                var take = (int)Math.Min(segment.Length - start, count);
                await write(segment.AsMemory(start, take), cancellationToken);
                offset += take;
                count -= take;
                position += segment.Length;
            }
        }

        public override void Delete()
        {
            // The garbage collector frees the segments once no reader holds them; a GET still streaming keeps them alive.
        }
    }

    private sealed class Writer(long? expectedLength) : BlobWriter
    {
        private readonly List<byte[]> _segments = [];
        private byte[]? _current;
        private int _used;
        private long _length;

        public override long Length => _length;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            var span = data.Span;
            while (!span.IsEmpty)
            {
                if (_current is null || _used == _current.Length)
                {
                    Seal();
                    _current = GC.AllocateUninitializedArray<byte>(NextSegmentSize());
                    _used = 0;
                }

                var take = Math.Min(span.Length, _current.Length - _used);
                span[..take].CopyTo(_current.AsSpan(_used));
                _used += take;
                _length += take;
                span = span[take..];
            }

            return ValueTask.CompletedTask;
        }

        public override ValueTask<Blob> CompleteAsync(CancellationToken cancellationToken)
        {
            Seal();
            return ValueTask.FromResult<Blob>(new MemoryBlob(_segments, _length));
        }

        protected override void Dispose(bool disposing)
        {
        }

        private int NextSegmentSize()
        {
            if (expectedLength is { } expected && expected > _length)
            {
                return (int)Math.Min(expected - _length, SegmentSize);
            }

            // Unknown (or exceeded) length: start small, grow to the segment size.
            return _segments.Count == 0 ? 64 * 1024 : SegmentSize;
        }

        private void Seal()
        {
            if (_current is null)
            {
                return;
            }

            if (_used < _current.Length)
            {
                // Trim the tail so a finished blob holds no slack (expected lengths can be wrong).
                var trimmed = GC.AllocateUninitializedArray<byte>(_used);
                _current.AsSpan(0, _used).CopyTo(trimmed);
                _current = trimmed;
            }

            if (_current.Length > 0)
            {
                _segments.Add(_current);
            }

            _current = null;
            _used = 0;
        }
    }
}
