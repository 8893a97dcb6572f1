using S3Migrate.Testing;

namespace S3Migrate.Transfer.Tests;

/// <summary>Runs alone: the benchmark measures CPU and wall time, and would slow every test running beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BenchmarkSmokeGroup
{
    public const string Name = "benchmark smoke";
}

/// <summary>
/// CI's short run of the engine benchmark (the full run is documented in docs/benchmarks.md): the program works end
/// to end, and every contender — the engine, rclone and the ceiling — copies every object of every workload, each
/// copy checked against the source's bytes. Throughput is not asserted; CI machines differ.
/// </summary>
[Collection(BenchmarkSmokeGroup.Name)]
public sealed class BenchmarkSmokeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private static readonly string[] Workloads = ["large", "small", "mix"];
    private static readonly string[] Contenders = ["engine", "rclone", "ceiling"];

    [Fact]
    public async Task QuickEngineBenchmarkVerifiesEveryObjectOfEveryContender()
    {
        ExternalProcess.RequireProgram("/usr/bin/rclone", "rclone");

        var run = await ExternalProcess.RunAsync("dotnet", [BenchmarkPath(), "engine", "--quick"], timeout: Timeout);

        Assert.True(run.ExitCode == 0, run.ToString());
        var rows = run.StandardOutput.Split('\n')
            .Where(static line => line.StartsWith("| ", StringComparison.Ordinal))
            .Select(static line => line.Split('|', StringSplitOptions.TrimEntries))
            .ToList();
        foreach (var workload in Workloads)
        {
            foreach (var contender in Contenders)
            {
                var row = rows.SingleOrDefault(cells => cells[1] == workload && cells[2] == contender);
                Assert.True(row is not null, $"no row for {workload} / {contender}:\n{run.StandardOutput}");
                var verified = row[11].Split('/');
                Assert.True(verified.Length == 2 && verified[0] == verified[1] && int.Parse(verified[0], System.Globalization.CultureInfo.InvariantCulture) > 0,
                    $"{workload} / {contender} verified {row[11]}:\n{run}");
            }
        }

        Assert.Contains("all runs verified", run.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>The benchmark program, built next to this test project in the same configuration.</summary>
    private static string BenchmarkPath() =>
        Path.Combine(AppContext.BaseDirectory.Replace("S3Migrate.Transfer.Tests", "S3Migrate.Benchmarks", StringComparison.Ordinal), "S3Migrate.Benchmarks.dll");
}
