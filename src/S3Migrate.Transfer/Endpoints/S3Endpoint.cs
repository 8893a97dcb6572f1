using System.Security.Cryptography.X509Certificates;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// A ready-to-use S3 endpoint: one client with its own connection pool and reloadable credentials. Retries are the
/// engine's (one classification table, per part), so the SDK's own retries are off.
/// </summary>
public sealed class S3Endpoint : IDisposable
{
    /// <summary>Per-attempt HTTP timeout; parts are bounded in size, so a stalled connection is what this catches.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromMinutes(5);

    private S3Endpoint(S3EndpointOptions options, ReloadableCredentials credentials, AmazonS3Client client)
    {
        Options = options;
        Credentials = credentials;
        Client = client;
    }

    public S3EndpointOptions Options { get; }

    public string Name => Options.Name;

    public ReloadableCredentials Credentials { get; }

    public IAmazonS3 Client { get; }

    /// <summary>Over TLS the payload need not be signed: the body goes unsigned with Content-MD5 (the fast path).</summary>
    public bool SignPayload => !Options.UsesTls;

    public static S3Endpoint Create(S3EndpointOptions options, int maxConnections, TimeProvider? time = null, TimeSpan? requestTimeout = null)
    {
        if (options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        var credentials = new ReloadableCredentials(CredentialLoader.For(options), options.Credentials.RefreshInterval, time ?? TimeProvider.System);
        var authority = options.CertificateAuthorityPath is { } path ? X509CertificateLoader.LoadCertificateFromFile(path) : null;
        var config = new AmazonS3Config
        {
            MaxErrorRetry = 0,
            Timeout = requestTimeout ?? DefaultRequestTimeout,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            HttpClientFactory = new PooledHttpClientFactory(Math.Max(2, maxConnections), authority),
            ForcePathStyle = options.ForcePathStyle ?? options.ServiceUrl is not null,
        };
        if (options.ServiceUrl is { } url)
        {
            config.ServiceURL = url.AbsoluteUri;
            config.AuthenticationRegion = options.SigningRegion;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.SigningRegion);
        }

        return new S3Endpoint(options, credentials, new AmazonS3Client(credentials, config));
    }

    /// <summary>
    /// True when a server-side copy from this endpoint to <paramref name="destination"/> is possible: the same S3 service
    /// reached with the same credential source (so one signer can read the source and write the destination).
    /// </summary>
    public bool CanCopyServerSideTo(S3Endpoint destination) =>
        ReferenceEquals(this, destination) ||
        (Options.ServiceIdentity == destination.Options.ServiceIdentity && Options.Credentials == destination.Options.Credentials);

    public void Dispose()
    {
        Client.Dispose();
        Credentials.Dispose();
    }

    public override string ToString() => $"{Name} ({Options.ServiceUrl?.ToString() ?? Options.SigningRegion})";
}
