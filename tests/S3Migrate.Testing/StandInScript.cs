using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace S3Migrate.Testing;

/// <summary>Runs <c>scripts/standins.sh</c>, which owns installing, starting and stopping the stand-in processes.</summary>
internal sealed class StandInScript(string repositoryRoot)
{
    private const string RelativePath = "scripts/standins.sh";

    /// <summary>The script's exit code when the requested port is taken.</summary>
    private const int PortInUseExitCode = 3;

    /// <summary>A first install runs npm ci (about 40 s) and may install a JRE.</summary>
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The script gives up on its own after 30 s; this only guards against a hung script.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly string _scriptPath = Path.Combine(repositoryRoot, RelativePath);

    public async Task InstallAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync(["install"], InstallTimeout, cancellationToken);
        result.ThrowIfFailed();
    }

    /// <summary>Starts <paramref name="service"/> on 127.0.0.1:<paramref name="port"/>; false when the port was taken.</summary>
    public async Task<bool> TryStartAsync(StandInService service, int port, string stateDirectory, CancellationToken cancellationToken)
    {
        var result = await RunAsync(
            ["start", ScriptName(service), port.ToString(CultureInfo.InvariantCulture), stateDirectory],
            StartTimeout,
            cancellationToken);
        if (result.ExitCode == PortInUseExitCode)
        {
            return false;
        }

        result.ThrowIfFailed();
        return true;
    }

    public async Task StopAsync(string stateDirectory, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["stop", stateDirectory], StopTimeout, cancellationToken);
        result.ThrowIfFailed();
    }

    /// <summary>Blocking variant of <see cref="StopAsync"/> for process-exit handlers, which cannot await.</summary>
    public void Stop(string stateDirectory)
    {
        var output = new StringBuilder();
        using var process = Launch(["stop", stateDirectory], output);
        if (!process.WaitForExit(StopTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw Timeout(["stop", stateDirectory], output);
        }

        process.WaitForExit();
        new ScriptResult(_scriptPath, ["stop", stateDirectory], process.ExitCode, Snapshot(output)).ThrowIfFailed();
    }

    private async Task<ScriptResult> RunAsync(string[] arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        using var process = Launch(arguments, output);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw Timeout(arguments, output);
        }

        return new ScriptResult(_scriptPath, arguments, process.ExitCode, Snapshot(output));
    }

    private Process Launch(string[] arguments, StringBuilder output)
    {
        var startInfo = new ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = repositoryRoot,
        };
        startInfo.ArgumentList.Add(_scriptPath);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Lets the script stop what it started should this process die before it can clean up.
        startInfo.Environment["STANDINS_OWNER_PID"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, line) => Append(output, line.Data);
        process.ErrorDataReceived += (_, line) => Append(output, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private TimeoutException Timeout(string[] arguments, StringBuilder output) =>
        new($"{_scriptPath} {string.Join(' ', arguments)} did not finish in time and was killed. Output:\n{Snapshot(output)}");

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static string ScriptName(StandInService service) => service switch
    {
        StandInService.DynamoDb => "dynamodb",
        StandInService.Sqs => "sqs",
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "Unknown stand-in."),
    };

    private sealed record ScriptResult(string ScriptPath, string[] Arguments, int ExitCode, string Output)
    {
        public void ThrowIfFailed()
        {
            if (ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"{ScriptPath} {string.Join(' ', Arguments)} failed with exit code {ExitCode}:\n{Output}");
            }
        }
    }
}
