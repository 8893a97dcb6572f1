using S3Migrate.Testing;

namespace S3Migrate.Cli.Tests;

public static class CliAssert
{
    /// <summary>
    /// Exit code 1, nothing on standard output, and exactly one line on standard error that starts with "s3migrate: "
    /// and names every one of <paramref name="culprits"/>.
    /// </summary>
    public static void OneClearLine(ProcessResult result, params string[] culprits)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr:\n{result}");
        Assert.StartsWith("s3migrate: ", lines[0], StringComparison.Ordinal);
        foreach (var culprit in culprits)
        {
            Assert.Contains(culprit, lines[0], StringComparison.Ordinal);
        }

        Assert.True(result.StandardOutput.Trim().Length == 0, result.ToString());
    }
}
