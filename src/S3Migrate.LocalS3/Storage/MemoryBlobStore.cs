using System.Diagnostics.CodeAnalysis;

namespace S3Migrate.LocalS3.Storage;

/// <summary>
/// Keeps blobs in memory, in segments of at most 1 MiB, so large objects never need one huge array. Full-size segments
/// of deleted blobs go back to a pool and carry the next writes: a steady stream of PUTs and DELETEs then reuses memory
/// that is already resident instead of handing the collector gigabytes of large-object garbage and taking a page fault
/// per fresh 4 KiB (most of an 8 MiB PUT's server CPU when its memory is new).
/// </summary>
public sealed class MemoryBlobStore : BlobStore
{
    /// <summary>The largest segment: big enough for few allocations, small enough to avoid giant arrays.</summary>
    public const int SegmentSize = 1024 * 1024;

    /// <summary>How many free segments the pool keeps by default (1 GiB); beyond that, deleted segments are garbage.</summary>
    public const int DefaultRetainedSegments = 1024;

    /// <summary>A blob's tail shorter than this gets an array of its own size rather than a pooled segment.</summary>
    private const int PooledTailThreshold = SegmentSize / 4;

    private readonly SegmentPool _pool;

    public MemoryBlobStore(int retainedSegments = DefaultRetainedSegments)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retainedSegments);
        _pool = new SegmentPool(retainedSegments);
    }

    /// <summary>Free segments waiting for a writer.</summary>
    public int PooledSegments => _pool.Count;

    public override BlobWriter CreateWriter(long? expectedLength) => new Writer(_pool, expectedLength);

    public override Blob Open(string fileName, long length) =>
        throw new NotSupportedException("Memory storage does not persist blobs.");

    public override void DeleteUnreferenced(IReadOnlySet<string> referencedFileNames)
    {
    }

    private sealed class SegmentPool(int capacity)
    {
        private readonly Stack<byte[]> _free = new();

        public int Count
        {
            get
            {
                lock (_free)
                {
                    return _free.Count;
                }
            }
        }

        public byte[] Rent()
        {
            lock (_free)
            {
                if (_free.TryPop(out var segment))
                {
                    return segment;
                }
            }

            return GC.AllocateUninitializedArray<byte>(SegmentSize);
        }

        public void Return(byte[] segment)
        {
            lock (_free)
            {
                if (_free.Count < capacity)
                {
                    _free.Push(segment);
                }
            }
        }
    }

    /// <summary>
    /// The store's deletion and every reader each hold a reference; the pooled segments go back when the last one is
    /// released, so a GET still streaming a blob that was deleted meanwhile keeps its bytes. A blob that is dropped
    /// without <see cref="Delete"/> is simply collected.
    /// </summary>
    private sealed class MemoryBlob(SegmentPool pool, ReadOnlyMemory<byte>[] segments, byte[][] pooled, long length) : Blob
    {
        private int _references = 1;
        private int _deleted;

        public override long Length => length;

        public override string? FileName => null;

        public override IDisposable? TryLease()
        {
            while (true)
            {
                var references = Volatile.Read(ref _references);
                if (references == 0)
                {
                    return null;
                }

                if (Interlocked.CompareExchange(ref _references, references + 1, references) == references)
                {
                    return new Lease(this);
                }
            }
        }

        public override async ValueTask CopyToAsync(
            long offset, long count, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, CancellationToken cancellationToken)
        {
            using var lease = TryLease() ?? throw new BlobDeletedException();
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
                await write(segment.Slice(start, take), cancellationToken);
                offset += take;
                count -= take;
                position += segment.Length;
            }
        }

        public override void Delete()
        {
            if (Interlocked.Exchange(ref _deleted, 1) == 0)
            {
                Release();
            }
        }

        private void Release()
        {
            if (Interlocked.Decrement(ref _references) == 0)
            {
                foreach (var segment in pooled)
                {
                    pool.Return(segment);
                }
            }
        }

        private sealed class Lease(MemoryBlob blob) : IDisposable
        {
            private int _released;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _released, 1) == 0)
                {
                    blob.Release();
                }
            }
        }
    }

    private sealed class Writer(SegmentPool pool, long? expectedLength) : BlobWriter
    {
        private readonly List<ReadOnlyMemory<byte>> _segments = [];
        private readonly List<byte[]> _pooled = [];
        private byte[]? _current;
        private int _used;
        private long _length;
        private bool _completed;

        public override long Length => _length;

        /// <summary>Only pooled segments have the full segment size: every other array is sized to a shorter tail.</summary>
        [MemberNotNullWhen(true, nameof(_current))]
        private bool CurrentIsPooled => _current?.Length == SegmentSize;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_completed, this);
            var span = data.Span;
            while (!span.IsEmpty)
            {
                if (_current is null || _used == _current.Length)
                {
                    Seal();
                    StartSegment();
                }

                var take = Math.Min(span.Length, _current!.Length - _used);
                span[..take].CopyTo(_current.AsSpan(_used));
                _used += take;
                _length += take;
                span = span[take..];
            }

            return ValueTask.CompletedTask;
        }

        public override ValueTask<Blob> CompleteAsync(CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_completed, this);
            Seal();
            _completed = true;
            return ValueTask.FromResult<Blob>(new MemoryBlob(pool, [.. _segments], [.. _pooled], _length));
        }

        protected override void Dispose(bool disposing)
        {
            if (_completed)
            {
                return;
            }

            // An unfinished blob: its segments were never visible to anyone.
            _completed = true;
            if (CurrentIsPooled)
            {
                pool.Return(_current);
            }

            foreach (var segment in _pooled)
            {
                pool.Return(segment);
            }

            _current = null;
            _pooled.Clear();
            _segments.Clear();
        }

        private void StartSegment()
        {
            int size;
            if (expectedLength is { } expected && expected > _length)
            {
                var remaining = expected - _length;
                size = remaining >= PooledTailThreshold ? SegmentSize : (int)remaining;
            }
            else
            {
                // Unknown (or exceeded) length: start small, then whole segments.
                size = _segments.Count == 0 ? 64 * 1024 : SegmentSize;
            }

            _current = size == SegmentSize ? pool.Rent() : GC.AllocateUninitializedArray<byte>(size);
            _used = 0;
        }

        private void Seal()
        {
            if (_current is null)
            {
                return;
            }

            if (CurrentIsPooled)
            {
                // A pooled segment keeps its full size (it goes back to the pool whole); the blob sees its used bytes.
                if (_used > 0)
                {
                    _segments.Add(_current.AsMemory(0, _used));
                    _pooled.Add(_current);
                }
                else
                {
                    pool.Return(_current);
                }
            }
            else if (_used > 0)
            {
                // Trim the tail so a finished blob holds no slack (expected lengths can be wrong).
                var segment = _current;
                if (_used < segment.Length)
                {
                    segment = GC.AllocateUninitializedArray<byte>(_used);
                    _current.AsSpan(0, _used).CopyTo(segment);
                }

                _segments.Add(segment);
            }

            _current = null;
            _used = 0;
        }
    }
}
