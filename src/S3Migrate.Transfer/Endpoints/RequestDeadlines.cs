namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// Per-request timeouts without a timer per request: requests started within the same short slot share one
/// cancellation source that fires between <c>timeout</c> and <c>timeout + slot</c> after they began. A stalled
/// connection is caught just as surely, and thousands of requests a second no longer queue on the timer lock.
/// </summary>
public sealed class RequestDeadlines(TimeSpan timeout, TimeProvider time) : IDisposable
{
    /// <summary>How much later than its timeout a request may be stopped, as a fraction of the timeout.</summary>
    private const int SlotsPerTimeout = 16;

    private readonly TimeSpan _slot = timeout / SlotsPerTimeout;
    private readonly Lock _lock = new();
    private Slot? _current;

    public TimeSpan Timeout => timeout;

    /// <summary>A token cancelled no earlier than <see cref="Timeout"/> from now.</summary>
    public CancellationToken Next()
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && time.GetElapsedTime(current.StartedAt) < _slot)
        {
            return current.Source.Token;
        }

        lock (_lock)
        {
            current = _current;
            if (current is null || time.GetElapsedTime(current.StartedAt) >= _slot)
            {
                // The previous source is left to fire on its own: requests still running may depend on it.
                current = new Slot(new CancellationTokenSource(timeout + _slot, time), time.GetTimestamp());
                Volatile.Write(ref _current, current);
            }

            return current.Source.Token;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _current?.Source.Dispose();
            _current = null;
        }
    }

    private sealed record Slot(CancellationTokenSource Source, long StartedAt);
}
