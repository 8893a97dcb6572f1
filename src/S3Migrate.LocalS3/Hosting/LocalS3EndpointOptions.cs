using S3Migrate.LocalS3.Auth;

namespace S3Migrate.LocalS3.Hosting;

/// <summary>One S3 endpoint: where it listens, its keys and region, its storage and its protocol.</summary>
public sealed record LocalS3EndpointOptions
{
    /// <summary>S3's minimum size for every part but the last (5 MiB); tests may lower it.</summary>
    public const long DefaultMinPartSize = 5L * 1024 * 1024;

    /// <summary>A name for logs and the admin API, e.g. "global" or "china".</summary>
    public required string Name { get; init; }

    /// <summary>The address to bind: an IP address, or "localhost".</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The port; 0 picks a free one (read it back from <see cref="LocalS3Endpoint.ServiceUrl"/>).</summary>
    public int Port { get; init; }

    public required IReadOnlyList<AccessKey> AccessKeys { get; init; }

    /// <summary>The region new buckets get when the request names none; requests must be signed for their bucket's region.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Serve HTTPS with the server's development certificate instead of HTTP.</summary>
    public bool Https { get; init; }

    /// <summary>Keep buckets on disk under this directory (they survive a restart); null keeps everything in memory.</summary>
    public string? DataDirectory { get; init; }

    public long MinPartSize { get; init; } = DefaultMinPartSize;

    /// <summary>The SQS endpoint event notifications are sent to; null drops them (and rejects notification configurations).</summary>
    public string? SqsServiceUrl { get; init; }

    /// <summary>Host names under which virtual-hosted-style requests (bucket.localhost) are recognised.</summary>
    public IReadOnlyList<string> VirtualHostSuffixes { get; init; } = ["localhost"];
}
