namespace S3Migrate.LocalS3.Faults;

/// <summary>Applies an endpoint's <see cref="FaultSettings"/>: picks faults per request and hands out bandwidth limiters.</summary>
public sealed class FaultInjector(TimeProvider time)
{
    private readonly Lock _sync = new();
    private State _state = new(FaultSettings.None, new Random(), [], null, 0);

    public FaultSettings Settings => _state.Settings;

    /// <summary>Changes the settings; fault counts and limiters start afresh.</summary>
    public void Apply(FaultSettings settings)
    {
        lock (_sync)
        {
            _state = new State(
                settings,
                settings.Seed is { } seed ? new Random(seed) : new Random(),
                new int[settings.Rules.Count],
                settings.BandwidthTotal is { } total ? new BandwidthLimiter(total, time) : null,
                _state.Generation + 1);
        }
    }

    public void Clear() => Apply(FaultSettings.None);

    /// <summary>The fault for this request, if a rule fires.</summary>
    public FaultKind? Decide(string operation, string? bucket, string? key)
    {
        var state = _state;
        for (var i = 0; i < state.Settings.Rules.Count; i++)
        {
            var rule = state.Settings.Rules[i];
            if ((rule.Operation is not null && rule.Operation != operation) ||
                (rule.Bucket is not null && rule.Bucket != bucket) ||
                (rule.KeyPrefix is not null && (key is null || !key.StartsWith(rule.KeyPrefix, StringComparison.Ordinal))))
            {
                continue;
            }

            lock (_sync)
            {
                if (state.Random.NextDouble() >= rule.Probability)
                {
                    continue;
                }

                if (rule.MaxCount is { } max && state.Fired[i] >= max)
                {
                    continue;
                }

                state.Fired[i]++;
            }

            return rule.Kind;
        }

        return null;
    }

    public TimeSpan NextLatency()
    {
        var settings = _state.Settings;
        if (settings.LatencyJitter <= TimeSpan.Zero)
        {
            return settings.Latency;
        }

        lock (_sync)
        {
            return settings.Latency + (settings.LatencyJitter * _state.Random.NextDouble());
        }
    }

    /// <summary>The limiters a connection's bytes pass through (its own and the endpoint-wide one).</summary>
    public IReadOnlyList<BandwidthLimiter> LimitersFor(IDictionary<object, object?>? connectionItems)
    {
        var state = _state;
        if (state.Settings.BandwidthPerConnection is null && state.Total is null)
        {
            return [];
        }

        var limiters = new List<BandwidthLimiter>(2);
        if (state.Settings.BandwidthPerConnection is { } perConnection && connectionItems is not null)
        {
            var key = (typeof(FaultInjector), state.Generation);
            lock (connectionItems)
            {
                if (connectionItems.TryGetValue(key, out var existing) && existing is BandwidthLimiter limiter)
                {
                    limiters.Add(limiter);
                }
                else
                {
                    limiter = new BandwidthLimiter(perConnection, time);
                    connectionItems[key] = limiter;
                    limiters.Add(limiter);
                }
            }
        }

        if (state.Total is not null)
        {
            limiters.Add(state.Total);
        }

        return limiters;
    }

    private sealed record State(FaultSettings Settings, Random Random, int[] Fired, BandwidthLimiter? Total, long Generation);
}
