using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace S3Migrate.Testing;

/// <summary>
/// A tiny SSM Parameter Store on 127.0.0.1 that answers <c>AmazonSSM.GetParameter</c> in the AWS JSON 1.1 protocol,
/// as far as the AWS SDK needs: parameters by name with versions, SecureString values returned in clear only with
/// WithDecryption, <c>ParameterNotFound</c> for unknown names, and an outage switch. It records every request (target,
/// name, WithDecryption, the access key that signed it) so tests can see what the client asked. Signatures are not
/// checked.
/// </summary>
public sealed class SsmStandIn : IAsyncDisposable
{
    public const string GetParameterTarget = "AmazonSSM.GetParameter";
    public const string SecureString = "SecureString";

    private const string JsonContentType = "application/x-amz-json-1.1";

    private readonly ConcurrentDictionary<string, StoredParameter> _parameters = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Request> _requests = new();
    private readonly WebApplication _app;
    private volatile bool _unavailable;

    private SsmStandIn(WebApplication app) => _app = app;

    /// <summary>The endpoint to give the SSM client as its ServiceURL.</summary>
    public Uri ServiceUrl { get; private set; } = null!;

    /// <summary>Every request received, oldest first.</summary>
    public IReadOnlyList<Request> Requests => [.. _requests];

    /// <summary>While true, every request gets 500 InternalServerError (an SSM outage).</summary>
    public bool Unavailable
    {
        get => _unavailable;
        set => _unavailable = value;
    }

    public static async Task<SsmStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "S3Migrate.Testing.SsmStandIn" });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, NoHostLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var standIn = new SsmStandIn(app);
        app.Run(standIn.HandleAsync);
        await app.StartAsync();
        standIn.ServiceUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return standIn;
    }

    /// <summary>Creates the parameter or stores a new version of it.</summary>
    public void SetParameter(string name, string value, string type = SecureString) =>
        _parameters.AddOrUpdate(name, _ => new StoredParameter(value, type, 1), (_, old) => new StoredParameter(value, type, old.Version + 1));

    public bool RemoveParameter(string name) => _parameters.TryRemove(name, out _);

    /// <summary>GetParameter requests for <paramref name="name"/> so far.</summary>
    public int GetParameterCalls(string name) => _requests.Count(r => r.Target == GetParameterTarget && r.Name == name);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        using var body = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        var root = body.RootElement;
        var name = root.TryGetProperty("Name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        bool? withDecryption = root.TryGetProperty("WithDecryption", out var d) && d.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? d.GetBoolean()
            : null;
        _requests.Enqueue(new Request(target, name, withDecryption, SigningKeyId(context.Request.Headers.Authorization.ToString())));

        if (_unavailable)
        {
            await ErrorAsync(context, HttpStatusCode.InternalServerError, "InternalServerError", "The stand-in is unavailable.");
            return;
        }

        if (context.Request.Method != HttpMethods.Post || target != GetParameterTarget)
        {
            await ErrorAsync(context, HttpStatusCode.BadRequest, "UnknownOperationException", $"The stand-in does not implement '{target}'.");
            return;
        }

        if (name is null || !_parameters.TryGetValue(name, out var parameter))
        {
            await ErrorAsync(context, HttpStatusCode.BadRequest, "ParameterNotFound", $"Parameter {name} not found.");
            return;
        }

        // Real SSM hands out a SecureString's ciphertext unless asked to decrypt it.
        var value = parameter.Type == SecureString && withDecryption != true
            ? "AQICAH" + Convert.ToBase64String(Encoding.UTF8.GetBytes(parameter.Value)).Replace('=', 'x')
            : parameter.Value;
        await JsonAsync(context, HttpStatusCode.OK, new
        {
            Parameter = new
            {
                Name = name,
                Type = parameter.Type,
                Value = value,
                Version = parameter.Version,
                DataType = "text",
                ARN = $"arn:aws:ssm:us-east-1:000000000000:parameter/{name.TrimStart('/')}",
            },
        });
    }

    private static Task ErrorAsync(HttpContext context, HttpStatusCode status, string type, string message) =>
        JsonAsync(context, status, new Dictionary<string, string> { ["__type"] = type, ["message"] = message });

    private static async Task JsonAsync(HttpContext context, HttpStatusCode status, object body)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = JsonContentType;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }

    /// <summary>The access key id in a SigV4 Authorization header ("… Credential=AKID/date/region/ssm/aws4_request, …").</summary>
    private static string? SigningKeyId(string authorization)
    {
        const string Marker = "Credential=";
        var start = authorization.IndexOf(Marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += Marker.Length;
        var end = authorization.IndexOf('/', start);
        return end > start ? authorization[start..end] : null;
    }

    /// <summary>One request as received.</summary>
    public sealed record Request(string Target, string? Name, bool? WithDecryption, string? AccessKeyId);

    private sealed record StoredParameter(string Value, string Type, long Version);

    /// <summary>The stand-in lives inside a test process: it must not take over Ctrl+C and SIGTERM.</summary>
    private sealed class NoHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
