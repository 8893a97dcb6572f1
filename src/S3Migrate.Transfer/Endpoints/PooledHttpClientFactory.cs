using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;

namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// The HTTP client behind one endpoint: a connection pool sized to the transfer concurrency and, when configured,
/// one extra trusted certificate authority (a private or development CA) besides the system's.
/// </summary>
public sealed class PooledHttpClientFactory(int maxConnections, X509Certificate2? extraAuthority) : HttpClientFactory
{
    /// <summary>Connections are renewed now and then so DNS changes (S3 rotates addresses) are followed.</summary>
    private static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = ConnectionLifetime,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
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

        return new HttpClient(new ExpiresHeaderHandler(new LeadingSlashKeyHandler(handler))) { Timeout = clientConfig.Timeout ?? TimeSpan.FromMinutes(10) };
    }

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public override string GetConfigUniqueString(IClientConfig clientConfig) =>
        $"pooled:{maxConnections}:{extraAuthority?.Thumbprint}:{clientConfig.ServiceURL}";
}
