using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;

namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// The HTTP client behind one endpoint: a connection pool sized to the transfer concurrency and, when configured,
/// one extra trusted certificate authority (a private or development CA) besides the system's. Each factory hands out
/// one client, so each endpoint has a pool of its own — the SDK's shared client cache would let two endpoints on the
/// same host (two accounts in one region, say) share, and halve, one pool.
/// </summary>
public sealed class PooledHttpClientFactory(int maxConnections, X509Certificate2? extraAuthority) : HttpClientFactory, IDisposable
{
    /// <summary>Connections are renewed now and then so DNS changes (S3 rotates addresses) are followed.</summary>
    private static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The HTTP timeout when the SDK configuration sets none (S3Endpoint always sets one).</summary>
    private static readonly TimeSpan FallbackTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Connections unused this long are closed.</summary>
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);

    private readonly Lock _lock = new();
    private HttpClient? _client;
    private bool _disposed;

    /// <summary>Connections per server this endpoint may open.</summary>
    public int MaxConnections => maxConnections;

    /// <summary>The endpoint's one client, created on first use with the SDK configuration's timeout.</summary>
    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _client ??= Build(clientConfig);
        }
    }

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _client?.Dispose();
            _client = null;
        }
    }

    private HttpClient Build(IClientConfig clientConfig)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = ConnectionLifetime,
            PooledConnectionIdleTimeout = IdleTimeout,
            ConnectTimeout = ConnectTimeout,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
            AllowAutoRedirect = false,
        };
        if (extraAuthority is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (errors == SslPolicyErrors.None)
                {
                    return true;
                }

                if (certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(extraAuthority);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                return chain.Build(presented);
            };
        }

        return new HttpClient(new ExpiresHeaderHandler(new LeadingSlashKeyHandler(handler))) { Timeout = clientConfig.Timeout ?? FallbackTimeout };
    }
}
