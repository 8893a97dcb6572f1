using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using S3Migrate.LocalS3.Hosting;

// Before any socket exists: socket completions then run on the event thread that saw them, where Kestrel (see
// UnsafePreferInlineScheduling) serves the request, instead of being handed to a thread-pool worker first. Measured on
// 4 KiB GETs and PUTs, the hand-off and the workers' spinning while they wait for the next one cost more CPU than the
// request itself. Request handling never blocks a thread on a wait, so an event thread is only ever held by real work.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(LocalS3CommandLine.Usage);
    return 0;
}

LocalS3CommandLine commandLine;
try
{
    commandLine = LocalS3CommandLine.Parse(args);
}
catch (FormatException e)
{
    Console.Error.WriteLine($"localS3: {e.Message}");
    return 1;
}

// A port in use is reported in one line below; the host's own account of it would repeat it with a stack trace.
using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
    .AddFilter("Microsoft.Extensions.Hosting", LogLevel.None));
LocalS3Server server;
try
{
    server = await LocalS3Server.StartAsync(commandLine.Server, loggerFactory);
}
catch (IOException e)
{
    Console.Error.WriteLine($"localS3: cannot listen: {e.Message}");
    return 1;
}

await using (server)
{
    foreach (var (endpointName, bucket) in commandLine.Buckets)
    {
        var endpoint = server[endpointName];
        if (!endpoint.Store.TryGetBucket(bucket, out _))
        {
            endpoint.Store.CreateBucket(bucket, endpoint.Options.Region, legacyUsEast1: true);
        }
    }

    foreach (var endpoint in server.Endpoints)
    {
        Console.WriteLine(
            $"localS3: endpoint {endpoint.Name} {endpoint.ServiceUrl} region {endpoint.Options.Region} key {endpoint.Options.AccessKeys[0].AccessKeyId}" +
            (endpoint.Options.DataDirectory is null ? " (memory)" : $" (data in {endpoint.Options.DataDirectory})"));
    }

    if (server.Certificate is not null && commandLine.Server.CertificateDirectory is { } certificates)
    {
        Console.WriteLine($"localS3: HTTPS CA certificate {Path.Combine(certificates, "ca.pem")}");
    }

    if (server.AdminUrl is { } admin)
    {
        Console.WriteLine($"localS3: admin API {admin}");
    }

    Console.WriteLine("localS3: ready");
    using var stop = new CancellationTokenSource();
    void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        stop.Cancel();
    }

    using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
    using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token);
    }
    catch (OperationCanceledException)
    {
    }
}

return 0;
