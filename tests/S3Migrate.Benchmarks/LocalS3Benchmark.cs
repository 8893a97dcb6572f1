using System.Diagnostics;
using System.Globalization;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3Migrate.Benchmarks;

/// <summary>
/// LocalS3 against fauxqs, both running at once and measured alternately with the same client (median of three):
/// 8 MiB PUT/GET throughput at concurrency 1/4/16 and 4 KiB PUT/GET rates, with each server's CPU per operation;
/// then LocalS3's peak memory while holding a multi-GiB data set on disk. LocalS3 must never be the bottleneck that
/// hides the engine's speed.
/// </summary>
public static class LocalS3Benchmark
{
    private const int LargeObject = 8 * 1024 * 1024;
    private const int SmallObject = 4 * 1024;

    public static async Task RunAsync(bool quick, long diskDataSetBytes)
    {
        AWSConfigs.InitializeCollections = true;
        await using (var local = await ServerProcess.StartLocalS3Async(null))
        await using (var peer = await ServerProcess.StartFauxqsAsync())
        {
            var targets = new[] { await Target.CreateAsync(local), await Target.CreateAsync(peer) };
            var repetitions = quick ? 1 : 3;
            Console.WriteLine($"| metric | {local.Name} | {peer.Name} | ratio | server CPU ms/op (LocalS3 / peer) |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (var row in Rows(quick))
            {
                var rates = new[] { new List<double>(), new List<double>() };
                var cpu = new[] { new List<double>(), new List<double>() };
                for (var repetition = 0; repetition < repetitions; repetition++)
                {
                    for (var i = 0; i < targets.Length; i++)
                    {
                        var before = targets[i].Server.CpuTime;
                        var (rate, operations) = await row.Measure(targets[i], repetition);
                        cpu[i].Add((targets[i].Server.CpuTime - before).TotalMilliseconds / operations);
                        rates[i].Add(rate);
                    }
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {row.Name} ({row.Unit}) | {Median(rates[0]):F0} | {Median(rates[1]):F0} | {Median(rates[0]) / Median(rates[1]):F2}× | {Median(cpu[0]):F2} / {Median(cpu[1]):F2} |"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| peak RSS (MiB) | {local.PeakResidentBytes / 1048576.0:F0} | {peer.PeakResidentBytes / 1048576.0:F0} | | |"));
            foreach (var target in targets)
            {
                target.Dispose();
            }
        }

        await MeasureDiskDataSetAsync(diskDataSetBytes);
    }

    private static List<Row> Rows(bool quick)
    {
        var rows = new List<Row>();
        foreach (var concurrency in new[] { 1, 4, 16 })
        {
            var count = quick ? concurrency * 2 : Math.Max(16, concurrency * 4);
            rows.Add(new Row($"PUT 8 MiB c={concurrency}", "MB/s", async (t, r) =>
                (count * (double)LargeObject / 1e6 / await PutManyAsync(t.Client, t.Bucket, $"large-{concurrency}-{r}/", t.Large, count, concurrency), count)));
        }

        foreach (var concurrency in new[] { 1, 4, 16 })
        {
            var count = quick ? concurrency * 2 : Math.Max(16, concurrency * 4);
            rows.Add(new Row($"GET 8 MiB c={concurrency}", "MB/s", async (t, r) =>
                (count * (double)LargeObject / 1e6 / await GetManyAsync(t.Client, t.Bucket, $"large-{concurrency}-{r}/", count, concurrency), count)));
        }

        foreach (var concurrency in new[] { 1, 16 })
        {
            var count = quick ? 200 : (concurrency == 1 ? 2000 : 8000);
            rows.Add(new Row($"PUT 4 KiB c={concurrency}", "ops/s", async (t, r) =>
                (count / await PutManyAsync(t.Client, t.Bucket, $"small-{concurrency}-{r}/", t.Small, count, concurrency), count)));
        }

        foreach (var concurrency in new[] { 1, 16 })
        {
            var count = quick ? 200 : (concurrency == 1 ? 2000 : 8000);
            rows.Add(new Row($"GET 4 KiB c={concurrency}", "ops/s", async (t, r) =>
                (count / await GetManyAsync(t.Client, t.Bucket, $"small-{concurrency}-{r}/", count, concurrency), count)));
        }

        return rows;
    }

    /// <summary>Fills a disk-backed LocalS3 with <paramref name="bytes"/> of 8 MiB objects and reads them back; prints its peak memory.</summary>
    private static async Task MeasureDiskDataSetAsync(long bytes)
    {
        var directory = Directory.CreateTempSubdirectory("bench-locals3-disk-").FullName;
        try
        {
            await using var server = await ServerProcess.StartLocalS3Async(directory);
            using var client = Client(server.ServiceUrl);
            await client.PutBucketAsync("disk");
            var data = new byte[LargeObject];
            Random.Shared.NextBytes(data);
            var count = (int)(bytes / LargeObject);
            var idle = server.ResidentBytes;
            var put = await PutManyAsync(client, "disk", "set/", data, count, concurrency: 8);
            var get = await GetManyAsync(client, "disk", "set/", count, concurrency: 8);
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"LocalS3 on disk, {count} × 8 MiB = {count * (double)LargeObject / (1 << 30):F1} GiB at c=8: PUT {count * (double)LargeObject / 1e6 / put:F0} MB/s, " +
                $"GET {count * (double)LargeObject / 1e6 / get:F0} MB/s; RSS idle {idle / 1048576.0:F0} MiB, peak {server.PeakResidentBytes / 1048576.0:F0} MiB"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static AmazonS3Client Client(Uri serviceUrl) =>
        new(new BasicAWSCredentials("BENCHKEY", "BENCHSECRET"), new AmazonS3Config
        {
            ServiceURL = serviceUrl.AbsoluteUri,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    private static async Task<double> PutManyAsync(AmazonS3Client client, string bucket, string prefix, byte[] body, int count, int concurrency)
    {
        var watch = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, token) =>
            await client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket,
                Key = prefix + i.ToString("D6", CultureInfo.InvariantCulture),
                InputStream = new MemoryStream(body, writable: false),
                UseChunkEncoding = false,
            }, token));
        return watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> GetManyAsync(AmazonS3Client client, string bucket, string prefix, int count, int concurrency)
    {
        var watch = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, token) =>
        {
            using var response = await client.GetObjectAsync(bucket, prefix + i.ToString("D6", CultureInfo.InvariantCulture), token);
            await response.ResponseStream.CopyToAsync(Stream.Null, token);
        });
        return watch.Elapsed.TotalSeconds;
    }

    private sealed record Row(string Name, string Unit, Func<Target, int, Task<(double Rate, int Operations)>> Measure);

    private sealed class Target(ServerProcess server, AmazonS3Client client, string bucket, byte[] large, byte[] small) : IDisposable
    {
        public ServerProcess Server { get; } = server;

        public AmazonS3Client Client { get; } = client;

        public string Bucket { get; } = bucket;

        public byte[] Large { get; } = large;

        public byte[] Small { get; } = small;

        public static async Task<Target> CreateAsync(ServerProcess server)
        {
            var client = LocalS3Benchmark.Client(server.ServiceUrl);
            var bucket = "bench-" + Guid.NewGuid().ToString("N")[..12];
            await client.PutBucketAsync(bucket);
            var large = new byte[LargeObject];
            var small = new byte[SmallObject];
            Random.Shared.NextBytes(large);
            Random.Shared.NextBytes(small);

            // Warm up both sides (JIT, connection pools).
            await PutManyAsync(client, bucket, "warm/", large, count: 8, concurrency: 4);
            await GetManyAsync(client, bucket, "warm/", count: 8, concurrency: 4);
            await PutManyAsync(client, bucket, "warm-small/", small, count: 500, concurrency: 8);
            await GetManyAsync(client, bucket, "warm-small/", count: 500, concurrency: 8);
            return new Target(server, client, bucket, large, small);
        }

        public void Dispose() => Client.Dispose();
    }
}
