using System.Security.Cryptography.X509Certificates;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Logging;

namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// A ready-to-use S3 endpoint: its own connection pool and reloadable credentials, shared by two clients — the AWS
/// SDK's for control-plane requests (<see cref="Client"/>) and the lean <see cref="Data"/> client for the requests that
/// carry object bytes. Retries are the engine's (one classification table, per part), so the SDK's own retries are off.
/// </summary>
public sealed class S3Endpoint : IDisposable
{
    /// <summary>Per-attempt HTTP timeout; parts are bounded in size, so a stalled connection is what this catches.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The smallest pool: one connection for a listing, one for a transfer.</summary>
    public const int MinConnections = 2;

    private readonly PooledHttpClientFactory _http;

    private S3Endpoint(S3EndpointOptions options, ReloadableCredentials credentials, AmazonS3Client client, S3DataClient data, PooledHttpClientFactory http)
    {
        Options = options;
        Credentials = credentials;
        Client = client;
        Data = data;
        _http = http;
    }

    public S3EndpointOptions Options { get; }

    public string Name => Options.Name;

    public ReloadableCredentials Credentials { get; }

    /// <summary>The AWS SDK client: HEAD, listing, multipart bookkeeping, tagging, server-side copies.</summary>
    public IAmazonS3 Client { get; }

    /// <summary>GetObject, PutObject and UploadPart: every byte of a copy goes through this client.</summary>
    public S3DataClient Data { get; }

    /// <summary>Connections this endpoint may open to its server: the concurrency it was sized for.</summary>
    public int MaxConnections => _http.MaxConnections;

    /// <summary>
    /// Builds the endpoint's client. <paramref name="maxConnections"/> is the concurrency the endpoint must carry
    /// (parts and objects in flight plus listings); its pool is that large. Settings that cannot work throw an
    /// <see cref="EndpointConfigurationException"/> whose one-line message names the endpoint. An endpoint that takes
    /// its region from its SSM parameter needs <see cref="CreateAsync"/>.
    /// </summary>
    public static S3Endpoint Create(
        S3EndpointOptions options, int maxConnections, TimeProvider? time = null, TimeSpan? requestTimeout = null, ILogger? logger = null)
    {
        Validate(options);
        if (options.RegionFromCredentials)
        {
            throw new EndpointConfigurationException(
                $"endpoint '{options.Name}' takes its region from SSM parameter {options.Credentials.ParameterName}, which must be read first; " +
                "set the endpoint's region or create it with CreateAsync");
        }

        return Build(options, NewCredentials(options, time, logger), maxConnections, requestTimeout);
    }

    /// <summary>
    /// As <see cref="Create"/>, with every data-plane request (GetObject, PutObject, UploadPart) passing through
    /// <paramref name="dataPlane"/> on its way to the pool: tests corrupt answers with it.
    /// </summary>
    internal static S3Endpoint Create(S3EndpointOptions options, int maxConnections, Func<HttpMessageHandler, HttpMessageHandler> dataPlane)
    {
        Validate(options);
        return Build(options, NewCredentials(options, null, null), maxConnections, null, dataPlane);
    }

    /// <summary>
    /// As <see cref="Create"/>, and when the region is left to the credentials (an SSM parameter in the original
    /// format carries one) reads them first and takes the parameter's region.
    /// </summary>
    public static async Task<S3Endpoint> CreateAsync(
        S3EndpointOptions options, int maxConnections, TimeProvider? time = null, TimeSpan? requestTimeout = null, ILogger? logger = null)
    {
        Validate(options);
        var credentials = NewCredentials(options, time, logger);
        if (options.RegionFromCredentials)
        {
            try
            {
                var loaded = await credentials.GetLoadedAsync();
                options = options with
                {
                    Region = loaded.Region ?? throw new EndpointConfigurationException(
                        $"endpoint '{options.Name}': SSM parameter {options.Credentials.ParameterName} has no \"region\"; set the endpoint's region"),
                };
            }
            catch
            {
                credentials.Dispose();
                throw;
            }
        }

        return Build(options, credentials, maxConnections, requestTimeout);
    }

    /// <summary>
    /// True when a server-side copy from this endpoint to <paramref name="destination"/> is possible: the same S3 service
    /// reached with the same credential source (so one signer can read the source and write the destination).
    /// </summary>
    public bool CanCopyServerSideTo(S3Endpoint destination) =>
        ReferenceEquals(this, destination) ||
        (Options.ServiceIdentity == destination.Options.ServiceIdentity && Options.Credentials == destination.Options.Credentials);

    private static void Validate(S3EndpointOptions options)
    {
        if (options.Validate() is { } problem)
        {
            throw new EndpointConfigurationException(problem);
        }
    }

    private static ReloadableCredentials NewCredentials(S3EndpointOptions options, TimeProvider? time, ILogger? logger) =>
        new(CredentialLoader.For(options), options.Credentials.RefreshInterval, time ?? TimeProvider.System, logger, options.Name);

    private static S3Endpoint Build(
        S3EndpointOptions options, ReloadableCredentials credentials, int maxConnections, TimeSpan? requestTimeout,
        Func<HttpMessageHandler, HttpMessageHandler>? dataPlane = null)
    {
        var authority = options.CertificateAuthorityPath is { } path ? X509CertificateLoader.LoadCertificateFromFile(path) : null;
        var http = new PooledHttpClientFactory(Math.Max(MinConnections, maxConnections), authority);
        var timeout = requestTimeout ?? DefaultRequestTimeout;
        var config = new AmazonS3Config
        {
            MaxErrorRetry = 0,
            Timeout = timeout,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            HttpClientFactory = http,
            ForcePathStyle = options.UsesPathStyle,
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

        var data = new S3DataClient(options, credentials, dataPlane is null ? http.DataPlaneInvoker : http.DataPlaneInvokerThrough(dataPlane), timeout);
        return new S3Endpoint(options, credentials, new AmazonS3Client(credentials, config), data, http);
    }

    public void Dispose()
    {
        Client.Dispose();
        _http.Dispose();
        Credentials.Dispose();
    }

    public override string ToString() => $"{Name} ({Options.ServiceUrl?.ToString() ?? Options.SigningRegion})";
}
