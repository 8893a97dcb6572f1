using System.Globalization;
using S3Migrate.Benchmarks;

// Usage: S3Migrate.Benchmarks locals3 [--quick] [--disk-gib N] | diff | engine [--quick] …
if (args.Length == 0 || args[0] is "--help" or "-h")
{
    Console.WriteLine("usage: S3Migrate.Benchmarks locals3 [--quick] [--disk-gib N] [--rows TEXT]");
    Console.WriteLine("       S3Migrate.Benchmarks diff");
    Console.WriteLine("       S3Migrate.Benchmarks " + EngineBenchmark.Usage);
    Console.WriteLine("       S3Migrate.Benchmarks " + ClusterBenchmark.Usage);
    return args.Length == 0 ? 1 : 0;
}

var quick = args.Contains("--quick");
var diskIndex = Array.IndexOf(args, "--disk-gib");
var diskGib = diskIndex >= 0 && diskIndex + 1 < args.Length ? double.Parse(args[diskIndex + 1], CultureInfo.InvariantCulture) : (quick ? 0.125 : 4);
switch (args[0])
{
    case "locals3":
        var rowsIndex = Array.IndexOf(args, "--rows");
        await LocalS3Benchmark.RunAsync(quick, (long)(diskGib * (1L << 30)), rowsIndex >= 0 && rowsIndex + 1 < args.Length ? args[rowsIndex + 1] : null);
        return 0;
    case "diff":
        return await DiffBenchmark.RunAsync() ? 0 : 1;
    case "engine":
        return await EngineBenchmark.RunAsync(args[1..]);
    case "cluster":
        return await ClusterBenchmark.RunAsync(args[1..]);
    case EngineWorker.Command:
        // Hidden: one contender of the engine benchmark, in a process of its own so it can be measured alone.
        return await EngineWorker.RunAsync(args[1..]);
    default:
        Console.Error.WriteLine($"benchmarks: unknown benchmark '{args[0]}'");
        return 1;
}
