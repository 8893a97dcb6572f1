using System.Diagnostics;
using S3Migrate.Testing;

namespace S3Migrate.Cli.Tests;

/// <summary>
/// The built s3migrate console and silo program, run with <c>dotnet</c> as an operator runs them, in an environment
/// that holds no AWS settings of the machine (no region, keys or profiles leak into a test).
/// </summary>
public static class Programs
{
    public static string Cli => Locate("S3Migrate.Cli", "s3migrate.dll");

    public static string Silo => Locate("S3Migrate.Silo", "S3Migrate.Silo.dll");

    /// <summary>The environment every child process gets: the machine's, minus anything AWS or s3migrate would read.</summary>
    public static Dictionary<string, string?> Environment(string home)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in System.Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (name.StartsWith("AWS_", StringComparison.Ordinal) || name.StartsWith("S3MIGRATE", StringComparison.OrdinalIgnoreCase))
            {
                environment[name] = null;
            }
        }

        // The console looks for ~/.s3migrate/s3migrate.json and the SDK for ~/.aws: neither may come from the machine.
        environment["HOME"] = home;
        environment["DOTNET_NOLOGO"] = "1";
        return environment;
    }

    public static Task<ProcessResult> RunAsync(
        string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, string workingDirectory, TimeSpan? timeout = null) =>
        ExternalProcess.RunAsync("dotnet", [program, .. arguments], environment, timeout ?? TimeSpan.FromSeconds(90), workingDirectory);

    /// <summary>Starts a program whose output the caller collects; the caller ends it (see <see cref="RunningProcess"/>).</summary>
    public static RunningProcess Start(
        string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, string workingDirectory) =>
        new(ExternalProcess.Start("dotnet", [program, .. arguments], environment, workingDirectory));

    /// <summary>Sends a POSIX signal (INT, TERM, KILL) the way an operator's shell does.</summary>
    public static async Task SignalAsync(Process process, string signal)
    {
        var result = await ExternalProcess.RunAsync("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            timeout: TimeSpan.FromSeconds(10));
        Assert.True(result.ExitCode == 0, $"kill -{signal} {process.Id}: {result}");
    }

    /// <summary>
    /// The process ignores SIGINT when it was started from a shell's background job (non-interactive shells set
    /// SIGINT to "ignore" for them, and children inherit it); a test that sends SIGINT must know.
    /// </summary>
    public static bool IgnoresSigInt(Process process)
    {
        var status = File.ReadAllLines($"/proc/{process.Id}/status").FirstOrDefault(static l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        const ulong SigIntBit = 1UL << (2 - 1);
        return status is not null && (Convert.ToUInt64(status["SigIgn:".Length..].Trim(), 16) & SigIntBit) != 0;
    }

    private static string Locate(string project, string assembly)
    {
        // This project's output folder (bin/<configuration>/<framework>/), mirrored under the referenced project.
        var root = RepositoryRoot.FullPath;
        var output = Path.GetRelativePath(Path.Combine(root, "tests", "S3Migrate.Cli.Tests"), AppContext.BaseDirectory);
        var path = Path.Combine(root, "src", project, output, assembly);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build {project} first (the test project references it)");
    }
}
