using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace S3Migrate.LocalS3.Hosting;

/// <summary>
/// The memory Kestrel's socket transport receives into and sends from. Its default pool hands out 4 KiB blocks and the
/// transport reads the socket one block at a time, so an 8 MiB body costs two thousand receive calls, pipe flushes and
/// hash updates; blocks of <see cref="BlockSize"/> let one read take whatever the socket holds.
/// </summary>
internal sealed class TransferMemoryPool : MemoryPool<byte>
{
    /// <summary>One block: large enough to drain a loopback socket's receive buffer in a few reads.</summary>
    public const int BlockSize = 128 * 1024;

    /// <summary>Free blocks kept for reuse (8 MiB); blocks returned beyond that are left to the garbage collector.</summary>
    private const int MaxFreeBlocks = 64;

    private readonly ConcurrentQueue<byte[]> _free = new();
    private int _freeCount;

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        if (_free.TryDequeue(out var array))
        {
            Interlocked.Decrement(ref _freeCount);
        }
        else
        {
            // Pinned: the socket pins every receive buffer, and pinned-heap arrays cost nothing to pin.
            array = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);
        }

        return new Block(this, array);
    }

    protected override void Dispose(bool disposing) => _free.Clear();

    private void Return(byte[] array)
    {
        if (Interlocked.Increment(ref _freeCount) <= MaxFreeBlocks)
        {
            _free.Enqueue(array);
        }
        else
        {
            Interlocked.Decrement(ref _freeCount);
        }
    }

    /// <summary>Creates a <see cref="TransferMemoryPool"/> for each transport queue that asks.</summary>
    internal sealed class Factory : IMemoryPoolFactory<byte>
    {
        public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new TransferMemoryPool();
    }

    private sealed class Block(TransferMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } returned)
            {
                pool.Return(returned);
            }
        }
    }
}
