namespace S3Migrate.LocalS3.Faults;

/// <summary>
/// A token bucket that paces bytes to a rate, to imitate a slow or long link. Callers ask for up to N bytes and are
/// granted what the bucket holds, waiting when it is empty.
/// </summary>
public sealed class BandwidthLimiter(long bytesPerSecond, TimeProvider time)
{
    /// <summary>Bursts are capped at a tenth of a second of traffic (at least 16 KiB) so pacing stays smooth.</summary>
    private readonly double _capacity = Math.Max(16 * 1024, bytesPerSecond / 10.0);
    private readonly Lock _sync = new();
    private double _tokens;
    private long _lastRefill = time.GetTimestamp();

    public long BytesPerSecond { get; } = bytesPerSecond > 0 ? bytesPerSecond : throw new ArgumentOutOfRangeException(nameof(bytesPerSecond));

    public async ValueTask<int> AcquireAsync(int wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_sync)
            {
                var now = time.GetTimestamp();
                _tokens = Math.Min(_capacity, _tokens + (time.GetElapsedTime(_lastRefill, now).TotalSeconds * BytesPerSecond));
                _lastRefill = now;
                if (_tokens >= 1)
                {
                    var granted = (int)Math.Min(wanted, _tokens);
                    _tokens -= granted;
                    return granted;
                }

                var deficit = Math.Min(wanted, _capacity) - _tokens;
                wait = TimeSpan.FromSeconds(deficit / BytesPerSecond);
            }

            await Task.Delay(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, time, cancellationToken);
        }
    }
}
