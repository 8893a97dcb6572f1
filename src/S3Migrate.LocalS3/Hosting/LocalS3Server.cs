using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using S3Migrate.LocalS3.Admin;

namespace S3Migrate.LocalS3.Hosting;

/// <summary>
/// LocalS3 as a library: starts several S3 endpoints in this process (each with its own keys and buckets) and,
/// optionally, the admin API.
/// </summary>
public sealed class LocalS3Server : IAsyncDisposable
{
    private readonly Dictionary<string, LocalS3Endpoint> _endpoints;
    private AdminApi? _admin;

    private LocalS3Server(IEnumerable<LocalS3Endpoint> endpoints, DevelopmentCertificate? certificate)
    {
        _endpoints = endpoints.ToDictionary(static e => e.Name, StringComparer.Ordinal);
        Certificate = certificate;
    }

    public IReadOnlyCollection<LocalS3Endpoint> Endpoints => _endpoints.Values;

    /// <summary>The development certificate, when any endpoint serves HTTPS.</summary>
    public DevelopmentCertificate? Certificate { get; }

    /// <summary>The admin API's base URL, when enabled.</summary>
    public Uri? AdminUrl => _admin?.BaseUrl;

    public LocalS3Endpoint this[string name] => _endpoints[name];

    public static async Task<LocalS3Server> StartAsync(
        LocalS3ServerOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        time ??= TimeProvider.System;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in options.Endpoints)
        {
            if (!names.Add(endpoint.Name))
            {
                throw new ArgumentException($"Two endpoints are named '{endpoint.Name}'.", nameof(options));
            }
        }

        var certificate = options.Endpoints.Any(static e => e.Https) ? DevelopmentCertificate.LoadOrCreate(options.CertificateDirectory) : null;
        var server = new LocalS3Server(options.Endpoints.Select(e => new LocalS3Endpoint(e, time, loggerFactory)), certificate);
        try
        {
            // Started off the caller's synchronization context (a test framework's, say), so that no server loop is
            // ever scheduled onto it.
            await Task.Run(async () =>
            {
                foreach (var endpoint in server.Endpoints)
                {
                    await endpoint.StartAsync(certificate?.Server, cancellationToken);
                }

                if (options.AdminAddress is { } admin)
                {
                    server._admin = await AdminApi.StartAsync(server, admin, cancellationToken);
                }
            }, cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }

        foreach (var endpoint in _endpoints.Values)
        {
            await endpoint.DisposeAsync();
        }

        Certificate?.Dispose();
    }
}
