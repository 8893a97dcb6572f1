using System.Collections.Concurrent;
using Amazon.Runtime;
using S3Migrate.Transfer.Endpoints;

namespace S3Migrate.Transfer.Tests.Endpoints;

/// <summary>
/// When an endpoint's credentials are loaded again: at the refresh interval, before temporary keys expire, and once —
/// not once per request — when S3 refuses them; a source that fails at refresh time does not stop the transfers.
/// </summary>
public sealed class ReloadableCredentialsTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task LoadsOnceAndServesTheSameKeysUntilTheIntervalHasPassed()
    {
        var source = new CountingSource();
        var clock = new ManualClock();
        using var credentials = new ReloadableCredentials(source.LoadAsync, Interval, clock);

        var first = await credentials.GetCredentialsAsync();
        clock.Advance(Interval - TimeSpan.FromSeconds(1));
        var stillFirst = credentials.GetCredentials();
        clock.Advance(TimeSpan.FromSeconds(1));
        var second = await credentials.GetCredentialsAsync();

        Assert.Equal("KEY1", first.AccessKey);
        Assert.Same(first, stillFirst);
        Assert.Equal("KEY2", second.AccessKey);
        Assert.Equal([CredentialLoadReason.Initial, CredentialLoadReason.Periodic], source.Reasons);
        Assert.Equal(2, credentials.Generation);
    }

    [Fact]
    public async Task ManyRequestsRefusedTogetherCauseOneReload()
    {
        var source = new CountingSource();
        using var credentials = new ReloadableCredentials(source.LoadAsync, Interval, new ManualClock());
        await credentials.GetCredentialsAsync();
        var used = credentials.Generation;

        var invalidated = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => credentials.Invalidate(used))));
        var reloaded = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(credentials.GetCredentialsAsync)));

        Assert.Single(invalidated, static i => i);
        Assert.All(reloaded, static c => Assert.Equal("KEY2", c.AccessKey));
        Assert.Equal([CredentialLoadReason.Initial, CredentialLoadReason.Rejected], source.Reasons);
        Assert.False(credentials.Invalidate(used));
    }

    [Fact]
    public async Task ARefreshThatFailsKeepsTheCurrentKeysAndIsTriedAgainSoon()
    {
        var source = new CountingSource();
        var clock = new ManualClock();
        using var credentials = new ReloadableCredentials(source.LoadAsync, Interval, clock);
        await credentials.GetCredentialsAsync();

        source.Failing = true;
        clock.Advance(Interval);
        var during = await credentials.GetCredentialsAsync();
        source.Failing = false;
        clock.Advance(ReloadableCredentials.FailedRefreshRetryDelay - TimeSpan.FromSeconds(1));
        var beforeRetry = await credentials.GetCredentialsAsync();
        clock.Advance(TimeSpan.FromSeconds(1));
        var after = await credentials.GetCredentialsAsync();

        Assert.Equal("KEY1", during.AccessKey);
        Assert.Equal("KEY1", beforeRetry.AccessKey);
        Assert.Equal("KEY3", after.AccessKey);
    }

    [Fact]
    public async Task RefusedKeysThatCannotBeReloadedFailWithTheSourcesError()
    {
        var source = new CountingSource();
        using var credentials = new ReloadableCredentials(source.LoadAsync, Interval, new ManualClock());
        await credentials.GetCredentialsAsync();

        source.Failing = true;
        Assert.True(credentials.Invalidate(credentials.Generation));

        var error = await Assert.ThrowsAsync<CredentialSourceException>(credentials.GetCredentialsAsync);
        Assert.Equal(CountingSource.FailureMessage, error.Message);
    }

    [Fact]
    public async Task TemporaryKeysAreReplacedBeforeTheyExpireEvenWithinTheInterval()
    {
        var clock = new ManualClock();
        var source = new CountingSource { Lifetime = TimeSpan.FromMinutes(10), Clock = clock };
        using var credentials = new ReloadableCredentials(source.LoadAsync, TimeSpan.FromHours(1), clock);
        await credentials.GetCredentialsAsync();

        clock.Advance(TimeSpan.FromMinutes(10) - ReloadableCredentials.ExpiryMargin - TimeSpan.FromSeconds(1));
        Assert.Equal("KEY1", (await credentials.GetCredentialsAsync()).AccessKey);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("KEY2", (await credentials.GetCredentialsAsync()).AccessKey);
    }

    /// <summary>Hands out KEY1, KEY2… and records why it was asked.</summary>
    private sealed class CountingSource
    {
        public const string FailureMessage = "endpoint 'test': the source is down";

        private readonly ConcurrentQueue<CredentialLoadReason> _reasons = new();
        private int _loads;

        public bool Failing { get; set; }

        public TimeSpan? Lifetime { get; init; }

        public TimeProvider? Clock { get; init; }

        public IReadOnlyList<CredentialLoadReason> Reasons => [.. _reasons];

        public async Task<LoadedCredentials> LoadAsync(CredentialLoadReason reason, CancellationToken cancellationToken)
        {
            await Task.Yield();
            var number = Interlocked.Increment(ref _loads);
            if (Failing)
            {
                throw new CredentialSourceException(FailureMessage);
            }

            _reasons.Enqueue(reason);
            var expiration = Lifetime is { } lifetime ? Clock!.GetUtcNow() + lifetime : (DateTimeOffset?)null;
            return new LoadedCredentials(new ImmutableCredentials($"KEY{number}", $"secret{number}", null), expiration);
        }
    }
}
