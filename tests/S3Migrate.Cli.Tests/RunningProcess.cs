using System.Diagnostics;
using System.Text;
using S3Migrate.Testing;

namespace S3Migrate.Cli.Tests;

/// <summary>
/// A child process whose output is collected while it runs. Disposing it kills the process (and its tree) if it is
/// still running, so a failing test never leaves one behind.
/// </summary>
public sealed class RunningProcess : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();

    public RunningProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => Append(_output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string StandardOutput => Read(_output);

    public string StandardError => Read(_error);

    /// <summary>Waits for the exit, at most <paramref name="timeout"/>; null when it is still running then.</summary>
    public async Task<ProcessResult?> WaitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        // The parameterless wait also drains the redirected output.
        Process.WaitForExit();
        return new ProcessResult(Process.ExitCode, StandardOutput, StandardError);
    }

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }

        Process.Dispose();
    }

    public override string ToString() => $"--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }

    private static string Read(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }
}
