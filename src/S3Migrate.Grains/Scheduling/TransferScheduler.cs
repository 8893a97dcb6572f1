using System.Collections.Concurrent;
using S3Migrate.Grains.Options;
using S3Migrate.Transfer.Copy;

namespace S3Migrate.Grains.Scheduling;

/// <summary>
/// The silo's one scheduler for transfers: at most MaxParallelFile objects at once, part buffers within the memory
/// budget (the engine asks it for every part), objects served first come first served so that none starves.
/// Intake asks <see cref="HasRoom"/> before pulling more work.
/// </summary>
public sealed class TransferScheduler : ITransferThrottle, IDisposable
{
    /// <summary>How long objects announced by <see cref="Expect"/> are counted before they arrive (then forgotten).</summary>
    public static readonly TimeSpan ExpectationLifetime = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _objects;
    private readonly MemoryBudgetThrottle _memory;
    private readonly ConcurrentDictionary<string, TrackedObject> _inFlight = new(StringComparer.Ordinal);
    private readonly Lock _expectations = new();
    private int _waiting;
    private int _expected;
    private long _expectedUntil;
    private volatile bool _draining;
    private readonly CancellationTokenSource _drained = new();

    public TransferScheduler(MigrationEngineOptions options)
    {
        MaxObjects = options.MaxParallelFile;
        _objects = new SemaphoreSlim(options.MaxParallelFile, options.MaxParallelFile);
        _memory = new MemoryBudgetThrottle(options.MemoryBudgetBytes);
    }

    public int MaxObjects { get; }

    public int ObjectsRunning => MaxObjects - _objects.CurrentCount;

    /// <summary>Objects waiting for a slot.</summary>
    public int ObjectsWaiting => Volatile.Read(ref _waiting);

    public long BytesBuffered => _memory.HeldBytes;

    /// <summary>True when another object would start without waiting: intake may take more work.</summary>
    public bool HasRoom => !_draining && ObjectsWaiting == 0 && FreeObjectSlots > 0;

    /// <summary>True once shutdown began: no object or part starts any more.</summary>
    public bool Draining => _draining;

    /// <summary>Cancelled when the drain has ended: every job links it, so what has not finished is interrupted.</summary>
    public CancellationToken Stopped => _drained.Token;

    /// <summary>Slots no object holds, waits for or is on its way to (<see cref="Expect"/>).</summary>
    public int FreeObjectSlots => Math.Max(0, _objects.CurrentCount - ObjectsWaiting - ObjectsExpected);

    /// <summary>Objects announced by intake that have not asked for a slot yet.</summary>
    public int ObjectsExpected
    {
        get
        {
            lock (_expectations)
            {
                return Environment.TickCount64 > _expectedUntil ? 0 : _expected;
            }
        }
    }

    /// <summary>
    /// Intake took work for this many objects, which will ask for slots shortly (a received message on its way to its
    /// grains): they count as taken meanwhile, so that intake does not take more for the same free slots. Each object
    /// that asks for a slot settles one; what never arrives is forgotten after <see cref="ExpectationLifetime"/>.
    /// </summary>
    public void Expect(int objects)
    {
        lock (_expectations)
        {
            var now = Environment.TickCount64;
            _expected = (now > _expectedUntil ? 0 : _expected) + Math.Max(0, objects);
            _expectedUntil = now + (long)ExpectationLifetime.TotalMilliseconds;
        }
    }

    /// <summary>Large objects copying now, with their progress (for progress bars).</summary>
    public IEnumerable<TrackedObject> InFlight => _inFlight.Values;

    /// <summary>Waits for an object slot; dispose the lease when the object is done.</summary>
    public async Task<IDisposable> AcquireObjectAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        lock (_expectations)
        {
            if (_expected > 0)
            {
                _expected--;
            }
        }

        try
        {
            await WhileDrainingAsync(cancellationToken);
            await _objects.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        return new ObjectLease(_objects);
    }

    public async ValueTask<IDisposable> AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        await WhileDrainingAsync(cancellationToken);
        return await _memory.AcquireAsync(bytes, cancellationToken);
    }

    /// <summary>
    /// Shutdown: nothing new starts (objects and parts wait until they are cancelled), and this returns when the parts
    /// in flight have finished and given their buffers back, or after <paramref name="timeout"/>. What was interrupted
    /// resumes from the destination's part list.
    /// </summary>
    public async Task DrainAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        BeginDrain();
        var started = time.GetTimestamp();
        try
        {
            while (BytesBuffered > 0 && time.GetElapsedTime(started) < timeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken);
            }
        }
        finally
        {
            // Whatever still runs or waits to start is interrupted now (its job comes back and resumes), so that the
            // silo's stop does not wait on work that can never begin.
            _drained.Cancel();
        }
    }

    /// <summary>From now on no object or part starts; what is in flight goes on (see <see cref="DrainAsync"/>).</summary>
    public void BeginDrain() => _draining = true;

    /// <summary>Registers a large object for progress reporting until the returned handle is disposed.</summary>
    public TrackedObject Track(string migrationId, string destinationId, long size)
    {
        var entry = new TrackedObject(this, migrationId, destinationId, size);
        _inFlight[migrationId + "\n" + destinationId] = entry;
        return entry;
    }

    public void Dispose()
    {
        _objects.Dispose();
        _drained.Dispose();
    }

    /// <summary>While draining, waits until <paramref name="cancellationToken"/> is cancelled.</summary>
    private Task WhileDrainingAsync(CancellationToken cancellationToken) =>
        _draining ? Task.Delay(Timeout.Infinite, cancellationToken) : Task.CompletedTask;

    private void Untrack(TrackedObject entry) => _inFlight.TryRemove(entry.MigrationId + "\n" + entry.DestinationId, out _);

    private sealed class ObjectLease(SemaphoreSlim objects) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                objects.Release();
            }
        }
    }

    /// <summary>A large object being copied, and how far it is; also the copier's progress sink.</summary>
    public sealed class TrackedObject(TransferScheduler owner, string migrationId, string destinationId, long size) : ICopyProgress, IDisposable
    {
        private long _bytes;

        public string MigrationId { get; } = migrationId;

        public string DestinationId { get; } = destinationId;

        public long Size { get; private set; } = size;

        public long BytesDone => Interlocked.Read(ref _bytes);

        public void Started(long size, int partCount) => Size = size;

        public void BytesTransferred(long count) => Interlocked.Add(ref _bytes, count);

        public void PartCompleted(int partNumber, long size, bool reused)
        {
            if (reused)
            {
                Interlocked.Add(ref _bytes, size);
            }
        }

        public void Dispose() => owner.Untrack(this);
    }
}
