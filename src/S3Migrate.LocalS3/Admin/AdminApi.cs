using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using S3Migrate.LocalS3.Auth;
using S3Migrate.LocalS3.Faults;
using S3Migrate.LocalS3.Hosting;

namespace S3Migrate.LocalS3.Admin;

/// <summary>
/// The test controls over HTTP/JSON, for LocalS3 run as a program: counters, the request journal, fault settings and
/// access keys of each endpoint. Routes are listed in docs/localS3.md.
/// </summary>
public sealed class AdminApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AdminApi(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public static async Task<AdminApi> StartAsync(LocalS3Server server, string address, CancellationToken cancellationToken)
    {
        var endPoint = IPEndPoint.Parse(address);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "S3Migrate.LocalS3.Admin" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(endPoint));
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        });
        var app = builder.Build();

        app.MapGet("/endpoints", () => server.Endpoints.Select(static e => new
        {
            e.Name,
            ServiceUrl = e.ServiceUrl.ToString(),
            e.Options.Region,
            e.Options.Https,
            Persistent = e.Options.DataDirectory is not null,
        }));
        app.MapGet("/endpoints/{name}/counters", (string name) => Find(server, name) is { } e
            ? Results.Ok(new
            {
                Operations = e.Counters.Snapshot(),
                e.Counters.TotalRequests,
                BytesIn = e.Counters.TotalBytesIn,
                BytesOut = e.Counters.TotalBytesOut,
                EventsSent = e.Events.Sent,
                EventsFailed = e.Events.Failed,
            })
            : UnknownEndpoint(name));
        app.MapPost("/endpoints/{name}/counters/reset", (string name) => Act(server, name, static e => e.Counters.Reset()));
        app.MapGet("/endpoints/{name}/journal", (string name, string? operation, string? bucket, string? key, int? limit) =>
            Find(server, name) is { } e
                ? Results.Ok(e.Counters.Journal(r =>
                        (operation is null || r.Operation == operation) && (bucket is null || r.Bucket == bucket) && (key is null || r.Key == key))
                    .TakeLast(limit ?? 1000))
                : UnknownEndpoint(name));
        app.MapGet("/endpoints/{name}/faults", (string name) => Find(server, name) is { } e ? Results.Ok(e.Faults.Settings) : UnknownEndpoint(name));
        app.MapPut("/endpoints/{name}/faults", (string name, FaultSettings settings) => Act(server, name, e => e.Faults.Apply(settings)));
        app.MapDelete("/endpoints/{name}/faults", (string name) => Act(server, name, static e => e.Faults.Clear()));
        app.MapPut("/endpoints/{name}/keys", (string name, AccessKey key) => Act(server, name, e => e.Verifier.AddKey(key)));
        app.MapDelete("/endpoints/{name}/keys/{accessKeyId}", (string name, string accessKeyId) =>
            Act(server, name, e => e.Verifier.RemoveKey(accessKeyId)));

        await app.StartAsync(cancellationToken);
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new AdminApi(app, bound);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static LocalS3Endpoint? Find(LocalS3Server server, string name) =>
        server.Endpoints.FirstOrDefault(e => e.Name == name);

    private static IResult Act(LocalS3Server server, string name, Action<LocalS3Endpoint> action)
    {
        if (Find(server, name) is not { } endpoint)
        {
            return UnknownEndpoint(name);
        }

        action(endpoint);
        return Results.NoContent();
    }

    private static IResult UnknownEndpoint(string name) => Results.NotFound(new { Error = $"No endpoint is named '{name}'." });
}
