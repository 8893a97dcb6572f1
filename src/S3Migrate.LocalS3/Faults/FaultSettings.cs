namespace S3Migrate.LocalS3.Faults;

/// <summary>One way to fail some requests: which kind, how often, and which requests it applies to.</summary>
public sealed record FaultRule
{
    public FaultKind Kind { get; init; }

    /// <summary>Chance (0–1) that a matching request gets the fault.</summary>
    public double Probability { get; init; } = 1.0;

    /// <summary>S3 operation name (PutObject, UploadPart, GetObject…); null matches every operation.</summary>
    public string? Operation { get; init; }

    public string? Bucket { get; init; }

    public string? KeyPrefix { get; init; }

    /// <summary>The rule stops firing after this many faults; null means no limit.</summary>
    public int? MaxCount { get; init; }
}

/// <summary>The test controls of one endpoint: injected failures, added latency and bandwidth caps.</summary>
public sealed record FaultSettings
{
    public static readonly FaultSettings None = new();

    public IReadOnlyList<FaultRule> Rules { get; init; } = [];

    /// <summary>Added before every request is handled.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>A random extra delay up to this much, on top of <see cref="Latency"/>.</summary>
    public TimeSpan LatencyJitter { get; init; }

    /// <summary>Bytes per second each connection may move in each direction; null means unlimited.</summary>
    public long? BandwidthPerConnection { get; init; }

    /// <summary>Bytes per second the whole endpoint may move in each direction; null means unlimited.</summary>
    public long? BandwidthTotal { get; init; }

    /// <summary>Seed for the random choices, so a failing run can be repeated.</summary>
    public int? Seed { get; init; }
}
