using System.Diagnostics;
using System.Globalization;
using System.Text;
using S3Migrate.Testing;

namespace S3Migrate.Benchmarks;

/// <summary>
/// One run of a contender in a child process, measured from outside: wall time from start to exit, CPU time (user +
/// system, all threads) taken from this process's reaped-children counters in /proc/self/stat — exact, and only the
/// child's, because the benchmark waits for one child at a time — and peak RSS (the child's VmHWM, polled while it
/// runs; the high-water mark only grows, so at most its last few milliseconds go unseen).
/// </summary>
public sealed record MeasuredProcess(int ExitCode, TimeSpan Wall, TimeSpan Cpu, long PeakResidentBytes, string StandardOutput, string StandardError)
{
    private const double ClockTicksPerSecond = 100;
    private const int ReapedUserTimeField = 13;
    private const int ReapedSystemTimeField = 14;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public static async Task<MeasuredProcess> RunAsync(
        string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment, TimeSpan timeout)
    {
        var cpuBefore = ReapedChildrenCpu();
        var watch = Stopwatch.StartNew();
        using var process = ExternalProcess.Start(fileName, arguments, environment);
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = new CancellationTokenSource(timeout);
        var exited = process.WaitForExitAsync(deadline.Token);
        long peak = 0;
        while (!exited.IsCompleted)
        {
            peak = Math.Max(peak, PeakResidentBytesOf(process.Id));
            await Task.WhenAny(exited, Task.Delay(PollInterval));
        }

        try
        {
            await exited;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{Path.GetFileName(fileName)} did not finish within {timeout}.\n{output}\n{error}");
        }

        watch.Stop();
        process.WaitForExit();
        return new MeasuredProcess(process.ExitCode, watch.Elapsed, ReapedChildrenCpu() - cpuBefore, peak, Text(output), Text(error));
    }

    /// <summary>VmHWM of a running process in bytes; 0 once it has exited.</summary>
    public static long PeakResidentBytesOf(int processId) => ReadStatusBytes($"/proc/{processId}/status", "VmHWM:");

    /// <summary>VmHWM of this process in bytes.</summary>
    public static long OwnPeakResidentBytes() => ReadStatusBytes("/proc/self/status", "VmHWM:");

    private static long ReadStatusBytes(string path, string field)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // The process ended between two polls.
        }

        return 0;
    }

    /// <summary>User plus system time of every child this process has waited for (cutime + cstime).</summary>
    private static TimeSpan ReapedChildrenCpu()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[ReapedUserTimeField], CultureInfo.InvariantCulture) + long.Parse(fields[ReapedSystemTimeField], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (text)
        {
            text.AppendLine(line);
        }
    }

    private static string Text(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }
}
