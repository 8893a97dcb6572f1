namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// Timeouts without a timer each: work started within the same short slot (a sixteenth of the timeout) shares one
/// cancellation source that fires between <c>timeout</c> and <c>timeout + slot</c> after it began. A stalled request
/// or object is stopped just as surely, and thousands of requests a second no longer queue on the timer lock. Nothing
/// to dispose: a source is simply left to fire (at most seventeen are pending at a time).
/// </summary>
public sealed class SharedDeadlines(TimeSpan timeout, TimeProvider time)
{
    /// <summary>How much later than its timeout a request may be stopped, as a fraction of the timeout.</summary>
    private const int SlotsPerTimeout = 16;

    private readonly TimeSpan _slot = timeout / SlotsPerTimeout;
    private readonly Lock _lock = new();
    private Slot? _current;

    public TimeSpan Timeout => timeout;

    /// <summary>Timers take at most int.MaxValue milliseconds (about 24 days); a longer timeout is that long.</summary>
    private TimeSpan FireAfter => timeout + _slot < MaxTimer ? timeout + _slot : MaxTimer;

    private static TimeSpan MaxTimer => TimeSpan.FromMilliseconds(int.MaxValue - 1);

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
                current = new Slot(new CancellationTokenSource(FireAfter, time), time.GetTimestamp());
                Volatile.Write(ref _current, current);
            }

            return current.Source.Token;
        }
    }

    private sealed record Slot(CancellationTokenSource Source, long StartedAt);
}
