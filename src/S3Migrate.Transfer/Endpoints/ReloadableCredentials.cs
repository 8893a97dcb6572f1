using Amazon.Runtime;

namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// Credentials that are loaded again every refresh interval, and at once after <see cref="Invalidate"/> (called when S3
/// answers InvalidAccessKeyId, ExpiredToken or SignatureDoesNotMatch) — so rotating keys needs no restart.
/// </summary>
public sealed class ReloadableCredentials(
    Func<CancellationToken, Task<ImmutableCredentials>> load, TimeSpan refreshInterval, TimeProvider time) : AWSCredentials, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ImmutableCredentials? _current;
    private long _loadedAt;
    private long _generation;

    /// <summary>Increases each time credentials are (re)loaded; lets callers see that a refresh happened.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Forgets the cached credentials so the next request loads them again.</summary>
    public void Invalidate() => Volatile.Write(ref _current, null);

    public void Dispose() => _gate.Dispose();

    public override ImmutableCredentials GetCredentials() => GetCredentialsAsync().GetAwaiter().GetResult();

    public override async Task<ImmutableCredentials> GetCredentialsAsync()
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && time.GetElapsedTime(_loadedAt) < refreshInterval)
        {
            return current;
        }

        await _gate.WaitAsync();
        try
        {
            current = Volatile.Read(ref _current);
            if (current is not null && time.GetElapsedTime(_loadedAt) < refreshInterval)
            {
                return current;
            }

            current = await load(CancellationToken.None);
            _loadedAt = time.GetTimestamp();
            Volatile.Write(ref _current, current);
            Interlocked.Increment(ref _generation);
            return current;
        }
        finally
        {
            _gate.Release();
        }
    }
}
