using System.Globalization;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using S3Migrate.Testing;

namespace S3Migrate.Benchmarks;

/// <summary>
/// The LocalS3 program in a process of its own with two in-memory endpoints a migration sees — "global" (us-east-1)
/// and "china" (cn-north-1), each with its own key — plus its admin API for request counters. Kept out of the
/// benchmark's process so that what is measured for a contender is the contender alone; its own CPU time is read
/// from /proc to show how busy the server was.
/// </summary>
public sealed class LocalS3Pair : IAsyncDisposable
{
    private const int StartAttempts = 3;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly System.Diagnostics.Process _process;
    private readonly HttpClient _admin;
    private readonly Task _drain;

    private LocalS3Pair(System.Diagnostics.Process process, Endpoint global, Endpoint china, Uri admin, Task drain)
    {
        _process = process;
        Global = global;
        China = china;
        _admin = new HttpClient { BaseAddress = admin };
        _drain = drain;
        Server = new ServerProcess("LocalS3 (memory, separate process)", global.ServiceUrl, process.Id, static () => Task.CompletedTask);
    }

    public Endpoint Global { get; }

    public Endpoint China { get; }

    /// <summary>The server process: CPU time and peak RSS.</summary>
    public ServerProcess Server { get; }

    public static async Task<LocalS3Pair> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var global = new Endpoint("global", Loopback(), "us-east-1", "AKIABENCHGLOBAL00001", "bench-global-secret/0000000000000000000");
            var china = new Endpoint("china", Loopback(), "cn-north-1", "AKIABENCHCHINA000001", "bench-china-secret/00000000000000000000");
            var admin = Loopback();
            var process = ExternalProcess.Start("dotnet",
            [
                Path.Combine(AppContext.BaseDirectory, "S3Migrate.LocalS3.dll"),
                "--endpoint", $"{global.Name}={global.ServiceUrl.Authority},{global.AccessKeyId},{global.SecretAccessKey},region={global.Region}",
                "--endpoint", $"{china.Name}={china.ServiceUrl.Authority},{china.AccessKeyId},{china.SecretAccessKey},region={china.Region}",
                "--admin", admin.Authority,
            ]);
            using var timeout = new CancellationTokenSource(ReadyTimeout);
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync(timeout.Token)) is not null && line != "localS3: ready")
            {
            }

            if (line is not null)
            {
                var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
                return new LocalS3Pair(process, global, china, admin, drain);
            }

            // Another process took one of the ports between the probe and the bind: try again with new ones.
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            process.Dispose();
            if (attempt == StartAttempts)
            {
                throw new InvalidOperationException($"LocalS3 did not start: {error}");
            }
        }

        static Uri Loopback() => new($"http://127.0.0.1:{LoopbackPort.FindFree().ToString(CultureInfo.InvariantCulture)}/");
    }

    /// <summary>Requests per operation on one endpoint since the last reset.</summary>
    public async Task<IReadOnlyDictionary<string, long>> RequestsAsync(Endpoint endpoint)
    {
        using var document = JsonDocument.Parse(await _admin.GetStringAsync(new Uri($"endpoints/{endpoint.Name}/counters", UriKind.Relative)));
        return document.RootElement.GetProperty("operations").EnumerateObject()
            .ToDictionary(static p => p.Name, static p => p.Value.GetProperty("requests").GetInt64(), StringComparer.Ordinal);
    }

    public async Task ResetCountersAsync()
    {
        foreach (var endpoint in new[] { Global, China })
        {
            using var response = await _admin.PostAsync(new Uri($"endpoints/{endpoint.Name}/counters/reset", UriKind.Relative), null);
            response.EnsureSuccessStatusCode();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        await _drain;
        _process.Dispose();
    }

    /// <summary>One endpoint as clients reach it; <see cref="ToArgument"/> and <see cref="Parse"/> pass it to a worker process.</summary>
    public sealed record Endpoint(string Name, Uri ServiceUrl, string Region, string AccessKeyId, string SecretAccessKey)
    {
        public string ToArgument() => string.Join(',', Name, ServiceUrl.AbsoluteUri, Region, AccessKeyId, SecretAccessKey);

        public static Endpoint Parse(string argument)
        {
            var fields = argument.Split(',');
            return fields.Length == 5
                ? new Endpoint(fields[0], new Uri(fields[1]), fields[2], fields[3], fields[4])
                : throw new FormatException($"expected NAME,URL,REGION,KEY,SECRET, got '{argument}'");
        }

        /// <summary>An SDK client for arranging and checking (not measured).</summary>
        public AmazonS3Client Client() => new(new BasicAWSCredentials(AccessKeyId, SecretAccessKey), new AmazonS3Config
        {
            ServiceURL = ServiceUrl.AbsoluteUri,
            ForcePathStyle = true,
            AuthenticationRegion = Region,
            MaxErrorRetry = 2,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
    }
}
