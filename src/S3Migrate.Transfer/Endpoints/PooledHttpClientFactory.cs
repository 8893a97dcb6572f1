using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;

namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// The HTTP client behind one endpoint: a connection pool sized to the transfer concurrency and, when configured,
/// one extra trusted certificate authority (a private or development CA) besides the system's. Each factory hands out
/// one client, so each endpoint has a pool of its own — the SDK's shared client cache would let two endpoints on the
/// same host (two accounts in one region, say) share, and halve, one pool. The data plane (<see cref="S3DataClient"/>)
/// sends through the same pool via <see cref="DataPlaneInvoker"/>.
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
    private SocketsHttpHandler? _handler;
    private HttpClient? _client;
    private HttpMessageInvoker? _invoker;
    private bool _disposed;

    /// <summary>Connections per server this endpoint may open.</summary>
    public int MaxConnections => maxConnections;

    /// <summary>
    /// The pool without the SDK's adaptations and without HttpClient's per-request timeout timer: the data plane signs
    /// its own requests and brings its own deadlines (<see cref="SharedDeadlines"/>).
    /// </summary>
    public HttpMessageInvoker DataPlaneInvoker
    {
        get
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _invoker ??= new HttpMessageInvoker(Handler(), disposeHandler: false);
            }
        }
    }

    /// <summary>The data plane's pool with <paramref name="wrap"/> in front of it (for tests that change answers on the way).</summary>
    internal HttpMessageInvoker DataPlaneInvokerThrough(Func<HttpMessageHandler, HttpMessageHandler> wrap)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _invoker ??= new HttpMessageInvoker(wrap(Handler()), disposeHandler: false);
        }
    }

    /// <summary>The endpoint's one SDK client, created on first use with the SDK configuration's timeout.</summary>
    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _client ??= new HttpClient(new ExpiresHeaderHandler(new LeadingSlashKeyHandler(Handler())), disposeHandler: false)
            {
                Timeout = clientConfig.Timeout ?? FallbackTimeout,
            };
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
            _invoker?.Dispose();
            _invoker = null;
            _handler?.Dispose();
            _handler = null;
        }
    }

    private SocketsHttpHandler Handler() => _handler ??= Build();

    private SocketsHttpHandler Build()
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

        return handler;
    }
}
