using System.Diagnostics;
using System.Globalization;
using S3Migrate.Testing;

namespace S3Migrate.Benchmarks;

/// <summary>A server the benchmark started (LocalS3 or fauxqs), with its peak resident memory read from /proc.</summary>
public sealed class ServerProcess(string name, Uri serviceUrl, int processId, Func<Task> stop) : IAsyncDisposable
{
    public string Name { get; } = name;

    public Uri ServiceUrl { get; } = serviceUrl;

    /// <summary>VmHWM: the most resident memory the process ever had, in bytes.</summary>
    public long PeakResidentBytes => ReadStatus("VmHWM:");

    public long ResidentBytes => ReadStatus("VmRSS:");

    /// <summary>User plus system CPU time the process has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / 100.0);
        }
    }

    public static async Task<ServerProcess> StartLocalS3Async(string? dataDirectory)
    {
        var port = LoopbackPort.FindFree();
        var arguments = new List<string>
        {
            Path.Combine(AppContext.BaseDirectory, "S3Migrate.LocalS3.dll"),
            "--endpoint", $"bench=127.0.0.1:{port},BENCHKEY,BENCHSECRET",
        };
        if (dataDirectory is not null)
        {
            arguments.AddRange(["--data-dir", dataDirectory]);
        }

        var process = ExternalProcess.Start("dotnet", arguments);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line && line != "localS3: ready")
        {
        }

        return new ServerProcess(dataDirectory is null ? "LocalS3 (memory)" : "LocalS3 (disk)", new Uri($"http://127.0.0.1:{port}"), process.Id, async () =>
        {
            process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
        });
    }

    public static async Task<ServerProcess> StartFauxqsAsync()
    {
        var state = Directory.CreateTempSubdirectory("bench-fauxqs-").FullName;
        var script = Path.Combine(RepositoryRoot.FullPath, "scripts", "standins.sh");
        await Run("bash", script, "install");
        var port = LoopbackPort.FindFree();
        await Run("bash", script, "start", "sqs", port.ToString(CultureInfo.InvariantCulture), state);
        var pid = int.Parse(File.ReadAllText(Path.Combine(state, "sqs.pid")).Trim(), CultureInfo.InvariantCulture);
        return new ServerProcess("fauxqs 1.9.2 (memory)", new Uri($"http://127.0.0.1:{port}"), pid, async () =>
        {
            await Run("bash", script, "stop", state);
            Directory.Delete(state, recursive: true);
        });

        static async Task Run(params string[] command)
        {
            var result = await ExternalProcess.RunAsync(command[0], command[1..]);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"{string.Join(' ', command)} failed: {result}");
            }
        }
    }

    public ValueTask DisposeAsync() => new(stop());

    private long ReadStatus(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"No {field} for process {processId}.");
    }
}
