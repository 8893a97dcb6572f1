using System.Globalization;
using System.Runtime.InteropServices;
using Amazon;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migrate.Testing;

namespace S3Migrate.Benchmarks;

/// <summary>
/// The engine against rclone and against the ceiling (raw parallel GET + PUT, no hashing), copying between two LocalS3
/// endpoints with different keys — "global" (us-east-1) to "china" (cn-north-1) — so every byte streams through the
/// host. LocalS3 runs in a process of its own and every contender in a child process of its own, so the CPU time and
/// peak RSS printed are the contender's alone. Workloads: 16 × 256 MiB, 20,000 × 4 KiB and a mix; each starts with an
/// untimed ceiling pass so that no contender pays the server's first collections of its freshly filled heap, the
/// contenders take turns (the order rotates each round), the destination is a fresh bucket each run, and every destination object is
/// checked against the source's bytes (size, and MD5 or the multipart ETag for its part size). Prints a table, the
/// ratios and the issue's targets.
/// </summary>
public static class EngineBenchmark
{
    private const long KiB = 1024;
    private const long MiB = 1024 * KiB;
    private const double BytesPerMiB = MiB;
    private const double BytesPerMB = 1e6;
    private const double BytesPerGB = 1e9;

    /// <summary>The part size (and single-PUT threshold) every contender uses: the engine's default.</summary>
    private const long PartSize = 16 * MiB;

    /// <summary>The engine's memory budget for buffered parts, in parts; the RSS target is 256 MiB plus this many parts.</summary>
    private const int PartsInFlight = 16;

    private const long FixedMemoryBudget = 256 * MiB;
    private const string RclonePath = "/usr/bin/rclone";
    private const int PopulateConcurrency = 8;
    private const int DeleteBatch = 1000;

    private const double LargeVersusRcloneTarget = 1.5;
    private const double LargeVersusCeilingTarget = 0.8;
    private const double SmallVersusRcloneTarget = 2.0;
    private const double LargeOverheadTarget = 0.10;
    private const double SmallOverheadTarget = 0.25;

    /// <summary>The round number of the untimed pass each workload starts with.</summary>
    private const int WarmUpRound = -1;

    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(20);

    /// <summary>Flags every rclone run gets: stream through the host, no bucket probing, no destination listing, quiet.</summary>
    private static readonly string[] RcloneCommonFlags = ["--s3-no-check-bucket", "--no-check-dest", "--retries", "1"];

    public const string Usage = "engine [--quick] [--rounds N] [--workload large,small,mix] [--contenders engine,rclone,copy,ceiling] [--rclone \"FLAGS\"]";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (FormatException e)
        {
            await Console.Error.WriteLineAsync($"engine benchmark: {e.Message}\nusage: {Usage}");
            return 1;
        }

        if (!File.Exists(RclonePath))
        {
            await Console.Error.WriteLineAsync(
                $"engine benchmark: {RclonePath} is missing: install the Debian package 'rclone' (scripts/prerequisites.sh does; sudo apt-get install -y rclone)");
            return 1;
        }

        AWSConfigs.InitializeCollections = true;
        var rcloneVersion = (await ExternalProcess.RunAsync(RclonePath, ["version"])).StandardOutput.Split('\n')[0].Trim();
        PrintSetting(options, rcloneVersion);

        var configDirectory = Directory.CreateTempSubdirectory("bench-engine-");
        try
        {
            await using var servers = await LocalS3Pair.StartAsync();
            var rcloneConfig = Path.Combine(configDirectory.FullName, "rclone.conf");
            await File.WriteAllTextAsync(rcloneConfig, string.Empty);
            var copyConfig = Path.Combine(configDirectory.FullName, "s3migrate.json");
            await File.WriteAllTextAsync(copyConfig, CopyConfiguration(servers));
            var content = new ObjectContent(options.Quick ? (int)(8 * MiB) : (int)(64 * MiB), seed: 20_260_301);
            using var sourceClient = servers.Global.Client();
            using var destinationClient = servers.China.Client();
            var bench = new Bench(servers, sourceClient, destinationClient, content, rcloneConfig, copyConfig, configDirectory.FullName);
            var runs = new List<RunResult>();
            foreach (var workload in Workloads(options))
            {
                runs.AddRange(await bench.RunWorkloadAsync(workload, options));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"LocalS3 server: peak RSS {servers.Server.PeakResidentBytes / BytesPerMiB:F0} MiB over the whole benchmark (both endpoints, source and destination data in memory)."));
            Console.WriteLine();
            PrintTable(runs);
            PrintRatios(runs);
            var allVerified = runs.All(static r => r.Verified == r.Objects && r.Problems.Count == 0 && r.Process.ExitCode == 0);
            Console.WriteLine(allVerified ? "all runs verified" : "SOME RUNS FAILED VERIFICATION");
            return allVerified ? 0 : 1;
        }
        finally
        {
            configDirectory.Delete(recursive: true);
        }
    }

    /// <summary>The s3migrate settings file naming the two endpoints, each with its own keys.</summary>
    private static string CopyConfiguration(LocalS3Pair servers)
    {
        static object Endpoint(LocalS3Pair.Endpoint e) => new
        {
            ServiceUrl = e.ServiceUrl.GetLeftPart(UriPartial.Authority),
            e.Region,
            Credentials = new { e.AccessKeyId, e.SecretAccessKey },
        };

        return System.Text.Json.JsonSerializer.Serialize(new { Endpoints = new Dictionary<string, object> { ["global"] = Endpoint(servers.Global), ["china"] = Endpoint(servers.China) } });
    }

    private static void PrintSetting(Options options, string rcloneVersion)
    {
        var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(static l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        var memory = File.ReadLines("/proc/meminfo").First(static l => l.StartsWith("MemTotal:", StringComparison.Ordinal))[9..].Trim();
        Console.WriteLine($"# engine benchmark ({(options.Quick ? "quick" : "full")}, {options.Rounds} round(s))");
        Console.WriteLine();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores ({model}), {memory} RAM, {RuntimeInformation.OSDescription}; .NET {Environment.Version}; {rcloneVersion}");
        Console.WriteLine("servers: LocalS3 in a separate process, two in-memory endpoints with different keys (global us-east-1 → china cn-north-1), plain HTTP on loopback");
        Console.WriteLine("measured: each contender in a child process of its own; CPU = its user+system time, peak RSS = its VmHWM; wall time includes process start and listing");
        Console.WriteLine("fairness: each workload starts with one untimed ceiling pass (the server's first collections of its freshly filled heap fall there); the contenders' order rotates each round");
        Console.WriteLine();
    }

    private static IEnumerable<Workload> Workloads(Options options)
    {
        var quick = options.Quick;
        var all = new[]
        {
            new Workload("large", quick ? [new Group("large/", 4, 32 * MiB)] : [new Group("large/", 16, 256 * MiB)],
                new EngineSettings(Objects: 2, PartsPerObject: 8),
                [
                    new RcloneVariant("rclone", ["--transfers", "4", "--s3-upload-concurrency", "4", "--s3-chunk-size", "16Mi", "--s3-upload-cutoff", "16Mi"]),
                    new RcloneVariant("rclone-b", ["--transfers", "8", "--s3-upload-concurrency", "4", "--s3-chunk-size", "16Mi", "--s3-upload-cutoff", "16Mi"]),
                ]),
            new Workload("small", quick ? [new Group("small/", 1_000, 4 * KiB)] : [new Group("small/", 20_000, 4 * KiB)],
                new EngineSettings(Objects: 64, PartsPerObject: 1),
                [
                    new RcloneVariant("rclone", ["--transfers", "64", "--checkers", "64", "--s3-no-head", "--s3-no-head-object", "--use-server-modtime"]),
                    new RcloneVariant("rclone-b", ["--transfers", "32", "--checkers", "32", "--s3-no-head", "--s3-no-head-object", "--use-server-modtime"]),
                ]),
            new Workload("mix",
                quick
                    ? [new Group("mix/large/", 1, 48 * MiB), new Group("mix/small/", 300, 4 * KiB), new Group("mix/medium/", 10, 8 * MiB)]
                    : [new Group("mix/large/", 4, 256 * MiB), new Group("mix/small/", 5_000, 4 * KiB), new Group("mix/medium/", 100, 8 * MiB)],
                new EngineSettings(Objects: 16, PartsPerObject: 8),
                [
                    new RcloneVariant("rclone", ["--transfers", "16", "--checkers", "16", "--s3-upload-concurrency", "4", "--s3-chunk-size", "16Mi", "--s3-upload-cutoff", "16Mi",
                        "--s3-no-head", "--s3-no-head-object", "--use-server-modtime"]),
                    new RcloneVariant("rclone-b", ["--transfers", "32", "--checkers", "32", "--s3-upload-concurrency", "2", "--s3-chunk-size", "16Mi", "--s3-upload-cutoff", "16Mi",
                        "--s3-no-head", "--s3-no-head-object", "--use-server-modtime"]),
                ]),
        };
        // The quick run (CI's smoke) tries only each workload's first rclone setting.
        return all.Where(w => options.Workloads.Count == 0 || options.Workloads.Contains(w.Name))
            .Select(w => options.RcloneFlags is { } flags ? w with { Rclone = [new RcloneVariant("rclone (custom)", flags)] }
                : quick ? w with { Rclone = [w.Rclone[0]] }
                : w);
    }

    private static void PrintTable(List<RunResult> runs)
    {
        Console.WriteLine("| workload | contender | wall s | MB/s | objects/s | CPU s | CPU s/GB | peak RSS MiB | server CPU s | requests/object | verified | runs (MB/s) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var group in runs.GroupBy(static r => (r.Workload.Name, r.Contender.Name)))
        {
            var median = Median(group);
            var all = string.Join(" / ", group.Select(static r => r.MegabytesPerSecond.ToString("F0", CultureInfo.InvariantCulture)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {group.Key.Item1} | {group.Key.Item2} | {median.Process.Wall.TotalSeconds:F2} | {median.MegabytesPerSecond:F0} | {median.ObjectsPerSecond:F0} | " +
                $"{median.Process.Cpu.TotalSeconds:F2} | {median.CpuSecondsPerGigabyte:F2} | {median.Process.PeakResidentBytes / BytesPerMiB:F0} | " +
                $"{median.ServerCpu.TotalSeconds:F2} | {median.RequestsPerObject:F2} | {median.Verified}/{median.Objects} | {all} |"));
        }

        Console.WriteLine();
        Console.WriteLine("settings:");
        foreach (var contender in runs.Select(static r => (r.Workload.Name, r.Contender)).Distinct())
        {
            Console.WriteLine($"- {contender.Name} / {contender.Contender.Name}: {contender.Contender.Settings}");
        }

        Console.WriteLine();
        Console.WriteLine("requests per operation (median run, source + destination):");
        foreach (var group in runs.GroupBy(static r => (r.Workload.Name, r.Contender.Name)))
        {
            var median = Median(group);
            var operations = median.Requests.OrderByDescending(static p => p.Value).Select(static p => $"{p.Key} {p.Value}");
            Console.WriteLine($"- {group.Key.Item1} / {group.Key.Item2}: {string.Join(", ", operations)}");
        }

        foreach (var failed in runs.Where(static r => r.Problems.Count > 0 || r.Process.ExitCode != 0))
        {
            Console.WriteLine($"FAILED {failed.Workload.Name} / {failed.Contender.Name} round {failed.Round}: exit {failed.Process.ExitCode}; " +
                string.Join("; ", failed.Problems.Take(5)) + "\n" + failed.Process.StandardError.Trim());
        }

        Console.WriteLine();
    }

    private static void PrintRatios(List<RunResult> runs)
    {
        var missed = new List<string>();
        Console.WriteLine("ratios (medians):");
        foreach (var workload in runs.Select(static r => r.Workload).DistinctBy(static w => w.Name))
        {
            var ofWorkload = runs.Where(r => r.Workload.Name == workload.Name).ToList();
            var engine = MedianOf(ofWorkload, static c => c.Kind == ContenderKind.Engine);
            var ceiling = MedianOf(ofWorkload, static c => c.Kind == ContenderKind.Ceiling);
            var rclone = ofWorkload.Where(static r => r.Contender.Kind == ContenderKind.Rclone)
                .GroupBy(static r => r.Contender.Name).Select(Median).MaxBy(static r => r.MegabytesPerSecond);
            if (engine is null)
            {
                continue;
            }

            if (rclone is not null)
            {
                var throughput = engine.MegabytesPerSecond / rclone.MegabytesPerSecond;
                var objects = engine.ObjectsPerSecond / rclone.ObjectsPerSecond;
                var (target, value, what) = workload.Name == "small"
                    ? (SmallVersusRcloneTarget, objects, "objects/s")
                    : (LargeVersusRcloneTarget, throughput, "throughput");
                var hasTarget = workload.Name is "large" or "small";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"- {workload.Name}: engine / {rclone.Contender.Name} {what} = {value:F2}×{(hasTarget ? $" (target ≥ {target:F1}×{(value >= target ? ", met" : ", MISSED")})" : string.Empty)}"));
                if (hasTarget && value < target)
                {
                    missed.Add($"{workload.Name} vs rclone");
                }
            }

            if (MedianOf(ofWorkload, static c => c.Kind == ContenderKind.Copy) is { } copy)
            {
                // Orchestration overhead: the whole product (console, embedded silo, grains, diff) against the bare engine.
                var overhead = (copy.Process.Wall.TotalSeconds / engine.Process.Wall.TotalSeconds) - 1;
                var target = workload.Name == "small" ? SmallOverheadTarget : LargeOverheadTarget;
                var hasTarget = workload.Name is "large" or "small";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"- {workload.Name}: s3migrate copy / engine wall time = {1 + overhead:F2} (orchestration overhead {overhead:P0}{(hasTarget ? $", target ≤ {target:P0}{(overhead <= target ? ", met" : ", MISSED")}" : string.Empty)})"));
                if (hasTarget && overhead > target)
                {
                    missed.Add($"{workload.Name} orchestration overhead");
                }
            }

            if (ceiling is not null)
            {
                var ratio = engine.MegabytesPerSecond / ceiling.MegabytesPerSecond;
                var hasTarget = workload.Name == "large";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"- {workload.Name}: engine / ceiling throughput = {ratio:F2}{(hasTarget ? $" (target ≥ {LargeVersusCeilingTarget:F1}{(ratio >= LargeVersusCeilingTarget ? ", met" : ", MISSED")})" : string.Empty)}"));
                if (hasTarget && ratio < LargeVersusCeilingTarget)
                {
                    missed.Add("large vs ceiling");
                }
            }

            var budget = FixedMemoryBudget + (PartsInFlight * PartSize);
            var peak = ofWorkload.Where(static r => r.Contender.Kind == ContenderKind.Engine).Max(static r => r.Process.PeakResidentBytes);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"- {workload.Name}: engine peak RSS {peak / BytesPerMiB:F0} MiB vs budget 256 MiB + {PartsInFlight} parts in flight × {PartSize / MiB} MiB = {budget / BytesPerMiB:F0} MiB ({(peak <= budget ? "met" : "MISSED")})"));
            if (peak > budget)
            {
                missed.Add($"{workload.Name} peak RSS");
            }
        }

        Console.WriteLine(missed.Count == 0 ? "targets met" : "TARGETS MISSED: " + string.Join(", ", missed));
    }

    private static RunResult? MedianOf(List<RunResult> runs, Func<Contender, bool> which)
    {
        var chosen = runs.Where(r => which(r.Contender)).ToList();
        return chosen.Count == 0 ? null : Median(chosen);
    }

    /// <summary>The run with the median wall time (the faster of the two middle ones for an even count).</summary>
    private static RunResult Median(IEnumerable<RunResult> runs)
    {
        var sorted = runs.OrderBy(static r => r.Process.Wall).ToList();
        return sorted[(sorted.Count - 1) / 2];
    }

    private sealed record Options(bool Quick, int Rounds, IReadOnlyList<string> Workloads, IReadOnlyList<string> Contenders, IReadOnlyList<string>? RcloneFlags)
    {
        public static Options Parse(IReadOnlyList<string> args)
        {
            var quick = args.Contains("--quick");
            int? rounds = null;
            List<string> workloads = [], contenders = [];
            List<string>? rclone = null;
            for (var i = 0; i < args.Count; i++)
            {
                string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--quick":
                        break;
                    case "--rounds":
                        rounds = int.Parse(Value(), CultureInfo.InvariantCulture);
                        break;
                    case "--workload":
                        workloads.AddRange(Value().Split(','));
                        break;
                    case "--contenders":
                        contenders.AddRange(Value().Split(','));
                        break;
                    case "--rclone":
                        rclone = [.. Value().Split(' ', StringSplitOptions.RemoveEmptyEntries)];
                        break;
                    default:
                        throw new FormatException($"unknown option '{args[i]}'");
                }
            }

            return new Options(quick, rounds ?? (quick ? 1 : 3), workloads, contenders, rclone);
        }
    }

    private sealed record Group(string Prefix, int Count, long Size);

    private sealed record EngineSettings(int Objects, int PartsPerObject);

    private sealed record RcloneVariant(string Name, IReadOnlyList<string> Flags);

    private sealed record Workload(string Name, IReadOnlyList<Group> Groups, EngineSettings Engine, IReadOnlyList<RcloneVariant> Rclone)
    {
        public int Objects => Groups.Sum(static g => g.Count);

        public long Bytes => Groups.Sum(static g => g.Count * g.Size);

        public string Description => string.Join(" + ", Groups.Select(static g => $"{g.Count:N0} × {Size(g.Size)}"));

        private static string Size(long bytes) => bytes >= MiB ? $"{bytes / MiB} MiB" : $"{bytes / KiB} KiB";
    }

    private enum ContenderKind
    {
        Engine,
        Rclone,
        Copy,
        Ceiling,
    }

    private sealed record Contender(string Name, ContenderKind Kind, string Settings, string FileName, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string?>? Environment);

    private sealed record SourceObject(string Key, int Index, long Size, string ETag);

    private sealed record RunResult(
        Workload Workload, Contender Contender, int Round, MeasuredProcess Process, TimeSpan ServerCpu, int Objects, long Bytes, int Verified,
        IReadOnlyList<string> Problems, IReadOnlyDictionary<string, long> Requests)
    {
        public double MegabytesPerSecond => Bytes / BytesPerMB / Process.Wall.TotalSeconds;

        public double ObjectsPerSecond => Objects / Process.Wall.TotalSeconds;

        public double CpuSecondsPerGigabyte => Process.Cpu.TotalSeconds / (Bytes / BytesPerGB);

        public double RequestsPerObject => Requests.Values.Sum() / (double)Objects;
    }

    /// <summary>One benchmark session: the servers, the arranging clients and what has been computed for checking.</summary>
    private sealed class Bench(
        LocalS3Pair servers, AmazonS3Client sourceClient, AmazonS3Client destinationClient, ObjectContent content, string rcloneConfig, string copyConfig, string workDirectory)
    {
        private readonly Dictionary<(int Index, long Size, long PartSize), string> _expectedETags = [];

        public async Task<List<RunResult>> RunWorkloadAsync(Workload workload, Options options)
        {
            var sourceBucket = "bench-src-" + workload.Name;
            await Console.Error.WriteLineAsync($"engine benchmark: {workload.Name}: uploading {workload.Description} to the source");
            var objects = await PopulateAsync(sourceBucket, workload);
            var all = Contenders(workload, sourceBucket);
            var contenders = all.Where(c => options.Contenders.Count == 0 || options.Contenders.Contains(c.Kind.ToString().ToLowerInvariant())).ToList();

            // Untimed: the server's first collections of its freshly filled heap fall on this pass, not on whichever
            // contender happens to go first.
            var warmUp = all.Single(static c => c.Kind == ContenderKind.Ceiling) with { Name = "warm-up (ceiling, untimed)" };
            await RunOnceAsync(workload, warmUp, WarmUpRound, objects, $"bench-dst-{workload.Name}-warm-up");
            var runs = new List<RunResult>();
            for (var round = 0; round < options.Rounds; round++)
            {
                for (var turn = 0; turn < contenders.Count; turn++)
                {
                    var contender = contenders[(turn + round) % contenders.Count];
                    var destinationBucket = $"bench-dst-{workload.Name}-{round}-{turn}";
                    runs.Add(await RunOnceAsync(workload, contender, round, objects, destinationBucket));
                }
            }

            await DeleteBucketAsync(sourceClient, sourceBucket);
            return runs;
        }

        private List<Contender> Contenders(Workload workload, string sourceBucket)
        {
            var engine = workload.Engine;
            var worker = Path.Combine(AppContext.BaseDirectory, "S3Migrate.Benchmarks.dll");
            var shape = $"{engine.Objects} objects × {engine.PartsPerObject} parts at once, {PartSize / MiB} MiB parts, single PUT up to {PartSize / MiB} MiB";
            List<Contender> all =
            [
                new Contender("engine", ContenderKind.Engine, shape + $", buffer budget {PartsInFlight} parts", "dotnet",
                    [worker, .. EngineWorker.Arguments(EngineWorker.EngineContender, servers.Global, sourceBucket, servers.China, "{destination}",
                        engine.Objects, engine.PartsPerObject, PartsInFlight, PartSize)], null),
                .. workload.Rclone.Select(v => new Contender(v.Name, ContenderKind.Rclone, string.Join(' ', v.Flags), RclonePath,
                    ["--config", rcloneConfig, "copy", "src:" + sourceBucket, "dst:{destination}", .. RcloneCommonFlags, .. v.Flags], RcloneEnvironment())),
                new Contender("s3migrate copy", ContenderKind.Copy, shape + $", memory budget {PartsInFlight} parts, embedded silo", "dotnet",
                    [CopyProgramPath(), "copy", $"s3://{sourceBucket}/", "s3://{destination}/", "--from", "global", "--to", "china", "--config", copyConfig,
                        "--state-dir", Path.Combine(workDirectory, "state-{destination}"), "--no-progress",
                        "--max-parallel-file", Invariant(engine.Objects), "--max-thread", Invariant(engine.PartsPerObject),
                        "--part-size", Invariant(PartSize), "--resumable-threshold", Invariant(PartSize), "--memory-budget", Invariant(PartsInFlight * PartSize)], null),
                new Contender("ceiling", ContenderKind.Ceiling, shape + ", GET bodies streamed into PUTs, UNSIGNED-PAYLOAD, no hashing", "dotnet",
                    [worker, .. EngineWorker.Arguments(EngineWorker.CeilingContender, servers.Global, sourceBucket, servers.China, "{destination}",
                        engine.Objects, engine.PartsPerObject, PartsInFlight, PartSize)], null),
            ];
            return all;
        }

        private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>The s3migrate console, built beside this program in the same configuration.</summary>
        private static string CopyProgramPath() =>
            Path.Combine(AppContext.BaseDirectory.Replace(Path.Combine("tests", "S3Migrate.Benchmarks"), Path.Combine("src", "S3Migrate.Cli"), StringComparison.Ordinal), "s3migrate.dll");

        /// <summary>Two rclone remotes from environment variables only: different keys, so nothing can be copied server-side.</summary>
        private Dictionary<string, string?> RcloneEnvironment()
        {
            // rclone 1.60 refuses to start while AWS_CA_BUNDLE is set, and must not pick up credentials from the environment.
            var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["AWS_CA_BUNDLE"] = null,
                ["AWS_ACCESS_KEY_ID"] = null,
                ["AWS_SECRET_ACCESS_KEY"] = null,
                ["AWS_SESSION_TOKEN"] = null,
                ["AWS_PROFILE"] = null,
            };
            foreach (var (remote, endpoint) in new[] { ("SRC", servers.Global), ("DST", servers.China) })
            {
                var prefix = $"RCLONE_CONFIG_{remote}_";
                environment[prefix + "TYPE"] = "s3";
                environment[prefix + "PROVIDER"] = "Other";
                environment[prefix + "ACCESS_KEY_ID"] = endpoint.AccessKeyId;
                environment[prefix + "SECRET_ACCESS_KEY"] = endpoint.SecretAccessKey;
                environment[prefix + "ENDPOINT"] = endpoint.ServiceUrl.GetLeftPart(UriPartial.Authority);
                environment[prefix + "REGION"] = endpoint.Region;
                environment[prefix + "FORCE_PATH_STYLE"] = "true";
            }

            return environment;
        }

        private async Task<RunResult> RunOnceAsync(Workload workload, Contender contender, int round, List<SourceObject> objects, string destinationBucket)
        {
            await destinationClient.PutBucketAsync(destinationBucket);
            await servers.ResetCountersAsync();
            var serverCpu = servers.Server.CpuTime;
            var process = await MeasuredProcess.RunAsync(contender.FileName,
                contender.Arguments.Select(a => a.Replace("{destination}", destinationBucket, StringComparison.Ordinal)), contender.Environment, RunTimeout);
            serverCpu = servers.Server.CpuTime - serverCpu;
            var requests = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var endpoint in new[] { servers.Global, servers.China })
            {
                foreach (var (operation, count) in await servers.RequestsAsync(endpoint))
                {
                    requests[$"{endpoint.Name}:{operation}"] = count;
                }
            }

            process = process with { PeakResidentBytes = Math.Max(process.PeakResidentBytes, ReportedPeak(process.StandardOutput)) };
            var (verified, problems) = await VerifyAsync(destinationBucket, objects);
            await DeleteBucketAsync(destinationClient, destinationBucket);
            var result = new RunResult(workload, contender, round, process, serverCpu, objects.Count, workload.Bytes, verified, problems, requests);
            var worker = WorkerLine(process.StandardOutput) is { } line ? $" ({line})" : string.Empty;
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"engine benchmark: {workload.Name} {(round == WarmUpRound ? "warm-up" : $"round {round + 1}")}: {contender.Name}: {process.Wall.TotalSeconds:F2} s, {result.MegabytesPerSecond:F0} MB/s, " +
                $"{result.ObjectsPerSecond:F0} objects/s, CPU {process.Cpu.TotalSeconds:F2} s, server CPU {serverCpu.TotalSeconds:F2} s, " +
                $"peak RSS {process.PeakResidentBytes / BytesPerMiB:F0} MiB, verified {verified}/{objects.Count}{worker}"));
            return result;
        }

        private static string? WorkerLine(string output) =>
            output.Split('\n').LastOrDefault(static l => l.StartsWith("worker:", StringComparison.Ordinal))?.Trim();

        /// <summary>The peak RSS a worker measured itself at its end (exact; the poll may miss the last milliseconds).</summary>
        private static long ReportedPeak(string output)
        {
            const string Field = "peak-rss=";
            var line = WorkerLine(output);
            var at = line?.IndexOf(Field, StringComparison.Ordinal) ?? -1;
            return at < 0 ? 0 : long.Parse(line![(at + Field.Length)..].Split(' ')[0].Trim(), CultureInfo.InvariantCulture);
        }

        private async Task<List<SourceObject>> PopulateAsync(string bucket, Workload workload)
        {
            await sourceClient.PutBucketAsync(bucket);
            var planned = new List<(string Key, int Index, long Size)>();
            foreach (var group in workload.Groups)
            {
                for (var i = 0; i < group.Count; i++)
                {
                    // Small objects spread over "directories" of 1,000, as real trees are.
                    var key = group.Count > 1_000 ? $"{group.Prefix}{i / 1_000:D3}/{i:D6}.bin" : $"{group.Prefix}{i:D6}.bin";
                    planned.Add((key, planned.Count, group.Size));
                }
            }

            var objects = new SourceObject[planned.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, planned.Count), new ParallelOptions { MaxDegreeOfParallelism = PopulateConcurrency }, async (i, token) =>
            {
                var (key, index, size) = planned[i];
                await using var body = content.Open(index, size);
                var response = await sourceClient.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = bucket,
                    Key = key,
                    InputStream = body,
                    UseChunkEncoding = false,
                    AutoCloseStream = false,
                }, token);
                objects[i] = new SourceObject(key, index, size, response.ETag.Trim('"'));
            });
            return [.. objects];
        }

        /// <summary>Every source object must be at the destination with its size and the ETag its bytes give for the destination's part size.</summary>
        private async Task<(int Verified, List<string> Problems)> VerifyAsync(string bucket, List<SourceObject> objects)
        {
            var found = new Dictionary<string, (long Size, string ETag)>(StringComparer.Ordinal);
            var request = new ListObjectsV2Request { BucketName = bucket };
            ListObjectsV2Response page;
            do
            {
                page = await destinationClient.ListObjectsV2Async(request);
                foreach (var listed in page.S3Objects ?? [])
                {
                    found[listed.Key] = (listed.Size ?? 0, listed.ETag.Trim('"'));
                }

                request.ContinuationToken = page.NextContinuationToken;
            }
            while (page.IsTruncated == true);

            var problems = new List<string>();
            var verified = 0;
            foreach (var expected in objects)
            {
                if (!found.Remove(expected.Key, out var actual))
                {
                    problems.Add($"{expected.Key}: missing");
                }
                else if (actual.Size != expected.Size)
                {
                    problems.Add($"{expected.Key}: {actual.Size} bytes, expected {expected.Size}");
                }
                else if (await ExpectedETagAsync(bucket, expected, actual.ETag) is var etag && etag != actual.ETag)
                {
                    problems.Add($"{expected.Key}: ETag {actual.ETag}, the source's bytes give {etag}");
                }
                else
                {
                    verified++;
                }
            }

            problems.AddRange(found.Keys.Take(5).Select(static k => $"{k}: not in the source"));
            return (verified, problems);
        }

        private async Task<string> ExpectedETagAsync(string bucket, SourceObject expected, string actual)
        {
            if (!actual.Contains('-', StringComparison.Ordinal))
            {
                return expected.ETag;
            }

            // A multipart copy: its ETag depends on the part size the contender chose; part 1 tells which.
            var head = await destinationClient.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = expected.Key, PartNumber = 1 });
            var partSize = head.ContentLength;
            if (!_expectedETags.TryGetValue((expected.Index, expected.Size, partSize), out var etag))
            {
                etag = content.ETag(expected.Index, expected.Size, partSize);
                _expectedETags[(expected.Index, expected.Size, partSize)] = etag;
            }

            return etag;
        }

        private static async Task DeleteBucketAsync(AmazonS3Client client, string bucket)
        {
            // Each round deletes what the first page shows, so the loop ends once the bucket is empty.
            while ((await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = DeleteBatch })).S3Objects is { Count: > 0 } batch)
            {
                await client.DeleteObjectsAsync(new DeleteObjectsRequest
                {
                    BucketName = bucket,
                    Objects = [.. batch.Select(static o => new KeyVersion { Key = o.Key })],
                    Quiet = true,
                });
            }

            var uploads = await client.ListMultipartUploadsAsync(bucket);
            foreach (var upload in uploads.MultipartUploads ?? [])
            {
                await client.AbortMultipartUploadAsync(bucket, upload.Key, upload.UploadId);
            }

            await client.DeleteBucketAsync(bucket);
        }
    }
}
