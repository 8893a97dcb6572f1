using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// An endpoint's credentials, loaded from their source again every refresh interval (earlier when they are about to
/// expire) and at once after S3 refused them (<see cref="Invalidate(long)"/>, called on InvalidAccessKeyId, ExpiredToken
/// or SignatureDoesNotMatch) — so rotating keys needs no restart. One load runs at a time; requests in flight meanwhile
/// wait for it.
/// </summary>
public sealed partial class ReloadableCredentials : AWSCredentials, IDisposable
{
    /// <summary>Temporary credentials are replaced this long before they expire.</summary>
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(5);

    /// <summary>
    /// After a periodic refresh failed (the source did not answer) the previous credentials stay in use, and the
    /// refresh is tried again after this delay (or the refresh interval, if shorter).
    /// </summary>
    public static readonly TimeSpan FailedRefreshRetryDelay = TimeSpan.FromSeconds(30);

    private readonly Func<CredentialLoadReason, CancellationToken, Task<LoadedCredentials>> _load;
    private readonly TimeSpan _refreshInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _name;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Entry? _current;
    private long _generation;

    /// <param name="load">Reads the credentials from their source (see <see cref="CredentialLoader.For"/>).</param>
    /// <param name="refreshInterval">How long loaded credentials are used before they are loaded again.</param>
    /// <param name="time">The clock the refresh interval is measured on.</param>
    /// <param name="logger">Where reloads are reported (access key ids shortened, never secrets).</param>
    /// <param name="name">The endpoint's name, for the log.</param>
    public ReloadableCredentials(
        Func<CredentialLoadReason, CancellationToken, Task<LoadedCredentials>> load, TimeSpan refreshInterval, TimeProvider time,
        ILogger? logger = null, string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(refreshInterval, TimeSpan.Zero);
        _load = load;
        _refreshInterval = refreshInterval;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        _name = name ?? "(unnamed)";
    }

    /// <summary>
    /// Increases each time credentials are loaded. A request notes it before it starts, so that a refusal it meets
    /// invalidates only the credentials it may have used (see <see cref="Invalidate(long)"/>).
    /// </summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Forgets the cached credentials so the next request loads them again.</summary>
    public void Invalidate() => Volatile.Write(ref _current, null);

    /// <summary>
    /// Forgets the cached credentials if they are still those of <paramref name="observedGeneration"/>: when many
    /// requests in flight are refused together, the first causes one reload and the others simply retry with it.
    /// </summary>
    /// <returns>True when this call invalidated the credentials.</returns>
    public bool Invalidate(long observedGeneration)
    {
        var current = Volatile.Read(ref _current);
        return current is not null && current.Generation == observedGeneration &&
               ReferenceEquals(Interlocked.CompareExchange(ref _current, null, current), current);
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>
    /// The AWS SDK asks here while signing, right after <see cref="GetCredentialsAsync"/> (which did any loading), so
    /// this blocks only if the credentials were invalidated in between.
    /// </summary>
    public override ImmutableCredentials GetCredentials()
    {
        var current = Volatile.Read(ref _current);
        return current is not null && !HasExpired(current) ? current.Loaded.Credentials : GetCredentialsAsync().GetAwaiter().GetResult();
    }

    public override async Task<ImmutableCredentials> GetCredentialsAsync() => (await GetLoadedAsync()).Credentials;

    /// <summary>As <see cref="GetCredentialsAsync"/>, without allocating while the credentials are fresh (every data-plane request asks).</summary>
    public ValueTask<ImmutableCredentials> GetCurrentAsync()
    {
        var current = Volatile.Read(ref _current);
        return current is not null && IsFresh(current) ? ValueTask.FromResult(current.Loaded.Credentials) : new(GetCredentialsAsync());
    }

    /// <summary>The current credentials with what their source said about them (expiry, region), loading them if due.</summary>
    public async Task<LoadedCredentials> GetLoadedAsync()
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && IsFresh(current))
        {
            return current.Loaded;
        }

        await _gate.WaitAsync();
        try
        {
            current = Volatile.Read(ref _current);
            if (current is not null && IsFresh(current))
            {
                return current.Loaded;
            }

            var reason = current is not null ? CredentialLoadReason.Periodic
                : Generation == 0 ? CredentialLoadReason.Initial
                : CredentialLoadReason.Rejected;
            LoadedCredentials loaded;
            try
            {
                loaded = await _load(reason, CancellationToken.None);
            }
            catch (Exception e) when (current is not null && !HasExpired(current) && e is not OperationCanceledException)
            {
                // Rotation is never urgent until S3 says so; an SSM or file hiccup must not stop transfers.
                var retryIn = _refreshInterval < FailedRefreshRetryDelay ? _refreshInterval : FailedRefreshRetryDelay;
                Volatile.Write(ref _current, current with { LoadedAt = _time.GetTimestamp(), ValidFor = retryIn });
                LogRefreshFailed(_logger, _name, e is CredentialSourceException ? e.Message : e.GetType().Name, retryIn.TotalSeconds);
                return current.Loaded;
            }

            var generation = Interlocked.Increment(ref _generation);
            Volatile.Write(ref _current, new Entry(loaded, _time.GetTimestamp(), _refreshInterval, generation));
            LogLoaded(_logger, _name, reason, loaded.AccessKeyHint, generation);
            return loaded;
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool IsFresh(Entry entry) =>
        _time.GetElapsedTime(entry.LoadedAt) < entry.ValidFor &&
        (entry.Loaded.Expiration is not { } expiration || _time.GetUtcNow() < expiration - ExpiryMargin);

    private bool HasExpired(Entry entry) => entry.Loaded.Expiration is { } expiration && _time.GetUtcNow() >= expiration;

    [LoggerMessage(Level = LogLevel.Information, Message = "Endpoint {Endpoint}: credentials loaded ({Reason}): access key {AccessKey}, generation {Generation}")]
    private static partial void LogLoaded(ILogger logger, string endpoint, CredentialLoadReason reason, string accessKey, long generation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Endpoint {Endpoint}: refreshing credentials failed, keeping the current ones and trying again in {RetrySeconds:F0} s: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string endpoint, string reason, double retrySeconds);

    private sealed record Entry(LoadedCredentials Loaded, long LoadedAt, TimeSpan ValidFor, long Generation);
}
