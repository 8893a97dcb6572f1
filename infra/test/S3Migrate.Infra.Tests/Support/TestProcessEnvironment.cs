using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace S3Migrate.Infra.Tests.Support;

/// <summary>
/// Runs before any test touches the CDK: gives the jsii runtime (which leaves tens of megabytes of temporary files
/// behind per process) a temporary folder of this test run, removed when the run ends, and silences the runtime's
/// end-of-life banner for Node 20. Folders left by runs that crashed are removed on the next run.
/// </summary>
internal static class TestProcessEnvironment
{
    private const string FolderName = "s3migrate-infra-tests";

    public static string TempDirectory { get; private set; } = string.Empty;

#pragma warning disable CA2255 // A test assembly is the one place that must set the process environment before anything else runs.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize()
    {
        var parent = Path.Combine(Path.GetTempPath(), FolderName);
        RemoveFoldersOfFinishedRuns(parent);

        TempDirectory = Path.Combine(parent, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(TempDirectory);
        Environment.SetEnvironmentVariable("TMPDIR", TempDirectory);
        if (Environment.GetEnvironmentVariable("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION") is null)
        {
            Environment.SetEnvironmentVariable("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20");
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            TryDelete(TempDirectory);
            TryDeleteIfEmpty(parent);
        };
    }

    private static void TryDeleteIfEmpty(string folder)
    {
        try
        {
            if (!Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }
        catch (IOException)
        {
            // Another run is using it.
        }
    }

    private static void RemoveFoldersOfFinishedRuns(string parent)
    {
        if (!Directory.Exists(parent))
        {
            return;
        }

        foreach (var folder in Directory.EnumerateDirectories(parent))
        {
            if (!int.TryParse(Path.GetFileName(folder), CultureInfo.InvariantCulture, out var pid) || !IsRunning(pid))
            {
                TryDelete(folder);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Still in use by a process that is ending; the next run removes it.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
