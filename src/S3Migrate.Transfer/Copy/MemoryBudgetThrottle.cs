namespace S3Migrate.Transfer.Copy;

/// <summary>
/// A byte budget, first come first served. A request larger than the whole budget is let through alone (when nothing
/// else is held), so an outsized part cannot deadlock.
/// </summary>
public sealed class MemoryBudgetThrottle(long budgetBytes) : ITransferThrottle
{
    private readonly Lock _sync = new();
    private readonly LinkedList<(long Bytes, TaskCompletionSource<IDisposable> Waiter)> _waiting = new();
    private long _held;

    public long BudgetBytes { get; } = budgetBytes > 0 ? budgetBytes : throw new ArgumentOutOfRangeException(nameof(budgetBytes));

    public long HeldBytes
    {
        get
        {
            lock (_sync)
            {
                return _held;
            }
        }
    }

    public ValueTask<IDisposable> AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (_waiting.Count == 0 && Fits(bytes))
            {
                _held += bytes;
                return ValueTask.FromResult<IDisposable>(new Lease(this, bytes));
            }

            var waiter = new TaskCompletionSource<IDisposable>(TaskCreationOptions.RunContinuationsAsynchronously);
            var node = _waiting.AddLast((bytes, waiter));
            if (cancellationToken.CanBeCanceled)
            {
                cancellationToken.Register(() =>
                {
                    lock (_sync)
                    {
                        if (node.List is not null)
                        {
                            _waiting.Remove(node);
                            waiter.TrySetCanceled(cancellationToken);
                        }
                    }
                });
            }

            return new ValueTask<IDisposable>(waiter.Task);
        }
    }

    private bool Fits(long bytes) => _held + bytes <= BudgetBytes || _held == 0;

    private void Release(long bytes)
    {
        List<(long, TaskCompletionSource<IDisposable>)> granted = [];
        lock (_sync)
        {
            _held -= bytes;
            while (_waiting.First is { } first && Fits(first.Value.Bytes))
            {
                _waiting.RemoveFirst();
                _held += first.Value.Bytes;
                granted.Add(first.Value);
            }
        }

        foreach (var (size, waiter) in granted)
        {
            if (!waiter.TrySetResult(new Lease(this, size)))
            {
                Release(size);
            }
        }
    }

    private sealed class Lease(MemoryBudgetThrottle owner, long bytes) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(bytes);
            }
        }
    }
}
