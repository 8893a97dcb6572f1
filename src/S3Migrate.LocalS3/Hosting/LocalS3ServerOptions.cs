namespace S3Migrate.LocalS3.Hosting;

/// <summary>A set of endpoints served together, plus the optional admin API for test controls.</summary>
public sealed record LocalS3ServerOptions
{
    public required IReadOnlyList<LocalS3EndpointOptions> Endpoints { get; init; }

    /// <summary>Where the admin API listens (e.g. 127.0.0.1:9100); null disables it.</summary>
    public string? AdminAddress { get; init; }

    /// <summary>Where the development CA and server certificate are kept; null creates fresh ones in memory.</summary>
    public string? CertificateDirectory { get; init; }
}
