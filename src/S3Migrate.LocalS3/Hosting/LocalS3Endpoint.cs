using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using S3Migrate.LocalS3.Auth;
using S3Migrate.LocalS3.Faults;
using S3Migrate.LocalS3.Notifications;
using S3Migrate.LocalS3.Storage;

namespace S3Migrate.LocalS3.Hosting;

/// <summary>One running S3 endpoint with its own keys, buckets, test controls and counters.</summary>
public sealed class LocalS3Endpoint : IAsyncDisposable
{
    /// <summary>Per-connection buffering in each direction (Kestrel's defaults are 1 MiB in, 64 KiB out).</summary>
    private const int TransferBufferSize = 4 * 1024 * 1024;

    private WebApplication? _app;

    internal LocalS3Endpoint(LocalS3EndpointOptions options, TimeProvider time, ILoggerFactory loggerFactory)
    {
        Options = options;
        Time = time;
        LoggerFactory = loggerFactory;
        Verifier = new SigV4Verifier(time);
        Verifier.SetKeys(options.AccessKeys);
        Faults = new FaultInjector(time);
        Store = options.DataDirectory is { } directory
            ? new S3Store(new FileBlobStore(Path.Combine(directory, "blobs")), new DiskPersistence(directory), time)
            : new S3Store(new MemoryBlobStore(), NoPersistence.Instance, time);
        Events = new S3EventPublisher(options.SqsServiceUrl, time, loggerFactory.CreateLogger<S3EventPublisher>());
    }

    public LocalS3EndpointOptions Options { get; }

    public string Name => Options.Name;

    public TimeProvider Time { get; }

    public S3Store Store { get; }

    public SigV4Verifier Verifier { get; }

    /// <summary>Test control: injected errors, cut connections, latency and bandwidth caps.</summary>
    public FaultInjector Faults { get; }

    /// <summary>Requests per operation, bytes in and out, and a journal of recent requests.</summary>
    public RequestCounters Counters { get; } = new();

    public S3EventPublisher Events { get; }

    /// <summary>The base URL clients use, e.g. http://127.0.0.1:9000 (known once started).</summary>
    public Uri ServiceUrl { get; private set; } = null!;

    internal ILoggerFactory LoggerFactory { get; }

    /// <summary>The bucket named by a virtual-hosted-style Host header (bucket.localhost), or null for path style.</summary>
    public string? VirtualHostBucket(string host)
    {
        foreach (var suffix in Options.VirtualHostSuffixes)
        {
            if (host.Length > suffix.Length + 1 && host.EndsWith("." + suffix, StringComparison.OrdinalIgnoreCase))
            {
                return host[..^(suffix.Length + 1)];
            }
        }

        return null;
    }

    internal async Task StartAsync(X509Certificate2? certificate, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "S3Migrate.LocalS3" });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(LoggerFactory);
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, TransferMemoryPool.Factory>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.MaxConcurrentUpgradedConnections = null;

            // Multi-MiB bodies: let Kestrel buffer more per connection so large transfers move in big writes.
            kestrel.Limits.MaxRequestBufferSize = TransferBufferSize;
            kestrel.Limits.MaxResponseBufferSize = TransferBufferSize;

            // Metadata values are opaque bytes to S3: accept and return them unchanged.
            kestrel.RequestHeaderEncodingSelector = static _ => Encoding.Latin1;
            kestrel.ResponseHeaderEncodingSelector = static _ => Encoding.Latin1;

            void Configure(ListenOptions listen)
            {
                listen.Protocols = HttpProtocols.Http1;
                if (Options.Https)
                {
                    listen.UseHttps(certificate ?? throw new InvalidOperationException("HTTPS needs the development certificate."));
                }
            }

            if (Options.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            {
                kestrel.ListenLocalhost(Options.Port, Configure);
            }
            else
            {
                kestrel.Listen(IPAddress.Parse(Options.Host), Options.Port, Configure);
            }
        });

        builder.WebHost.UseSockets(sockets =>
        {
            sockets.MaxReadBufferSize = TransferBufferSize;
            sockets.MaxWriteBufferSize = TransferBufferSize;
            sockets.NoDelay = true;

            // Requests are short and CPU-light: serving them on the socket's I/O thread saves a thread-pool hop each.
            sockets.UnsafePreferInlineScheduling = true;
        });
        var app = builder.Build();
        var handler = new S3RequestHandler(this, LoggerFactory.CreateLogger<S3RequestHandler>());
        app.Run(handler.HandleAsync);
        await app.StartAsync(cancellationToken);
        _app = app;

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var bound = new Uri(address);
        var host = Options.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? "localhost" : bound.Host;
        ServiceUrl = new UriBuilder(bound.Scheme, host, bound.Port).Uri;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }

        await Events.DisposeAsync();
    }
}
