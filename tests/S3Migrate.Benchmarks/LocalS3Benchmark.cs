using System.Diagnostics;
using System.Globalization;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3Migrate.Benchmarks;

/// <summary>
/// LocalS3 against fauxqs, both running at once and measured with the same client: 8 MiB PUT/GET throughput at
/// concurrency 1/4/16 and 4 KiB PUT/GET rates, with each server's CPU per operation; then LocalS3's peak memory while
/// holding a multi-GiB data set on disk. LocalS3 must never be the bottleneck that hides the engine's speed.
/// </summary>
/// <remarks>
/// Both servers get the same treatment: the same warm-up, the same measuring time per row, and pairs of measurements
/// in which the two run back to back and swap which goes first (a server measured second inherits the first one's heat
/// and garbage). A row reports each server's median rate and, as its ratio, the median of the pairs' ratios: the two
/// measurements of a pair share the machine's condition of the moment (a neighbour's load on the VM, the client's own
/// collections), which moves single measurements by more than the difference between the servers. Every PUT writes a
/// new key, as a migration does; what a row wrote is deleted, untimed, once the row is done, so memory stays bounded.
/// GET rows read a set written at setup. The client's CPU per operation is shown beside the servers': where it is
/// many times theirs, the row measures the client more than the servers.
/// </remarks>
public static class LocalS3Benchmark
{
    private const int LargeObject = 8 * 1024 * 1024;
    private const int SmallObject = 4 * 1024;

    /// <summary>Objects of each size written at setup for the GET rows to read (round robin).</summary>
    private const int LargeReadSet = 32;
    private const int SmallReadSet = 1000;

    /// <summary>Each measurement runs at least this long: long enough that one slow request or a GC is a small part of it.</summary>
    private static readonly TimeSpan MeasureTime = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan QuickMeasureTime = TimeSpan.FromSeconds(0.5);

    /// <summary>Untimed, before each row's first measurement: opens the row's connections and settles the JIT on both servers.</summary>
    private static readonly TimeSpan RowWarmUpTime = TimeSpan.FromSeconds(0.5);

    public static async Task RunAsync(bool quick, long diskDataSetBytes, string? rowFilter = null)
    {
        AWSConfigs.InitializeCollections = true;
        await using (var local = await ServerProcess.StartLocalS3Async(null))
        await using (var peer = await ServerProcess.StartFauxqsAsync())
        {
            var targets = new[] { await Target.CreateAsync(local), await Target.CreateAsync(peer) };
            var repetitions = quick ? 2 : 9;
            var measureTime = quick ? QuickMeasureTime : MeasureTime;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Per row, {repetitions} pairs of back-to-back measurements of at least {measureTime.TotalSeconds:F1} s each; rates are each server's median, the ratio is the median of the pairs' ratios."));
            Console.WriteLine();
            Console.WriteLine($"| metric | {local.Name} | {peer.Name} | ratio | server CPU ms/op (LocalS3 / peer) | client CPU ms/op (LocalS3 / peer) |");
            Console.WriteLine("|---|---|---|---|---|---|");
            foreach (var row in Rows().Where(r => rowFilter is null || $"{r.Name} ({r.Unit})".Contains(rowFilter, StringComparison.Ordinal)))
            {
                foreach (var target in targets)
                {
                    await row.MeasureAsync(target, RowWarmUpTime);
                }

                var rates = new[] { new List<double>(), new List<double>() };
                var cpu = new[] { new List<double>(), new List<double>() };
                var clientCpu = new[] { new List<double>(), new List<double>() };
                for (var repetition = 0; repetition < repetitions; repetition++)
                {
                    for (var turn = 0; turn < targets.Length; turn++)
                    {
                        var i = repetition % 2 == 0 ? turn : targets.Length - 1 - turn;
                        var before = targets[i].Server.CpuTime;
                        var clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
                        var (rate, operations) = await row.MeasureAsync(targets[i], measureTime);
                        cpu[i].Add((targets[i].Server.CpuTime - before).TotalMilliseconds / operations);
                        clientCpu[i].Add((Process.GetCurrentProcess().TotalProcessorTime - clientBefore).TotalMilliseconds / operations);
                        rates[i].Add(rate);
                    }
                }

                foreach (var target in targets)
                {
                    await target.DeleteWrittenAsync();
                }

                var ratio = Median([.. rates[0].Zip(rates[1], static (l, p) => l / p)]);

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {row.Name} ({row.Unit}) | {Median(rates[0]):F0} | {Median(rates[1]):F0} | {ratio:F2}× | {Median(cpu[0]):F2} / {Median(cpu[1]):F2} | {Median(clientCpu[0]):F2} / {Median(clientCpu[1]):F2} |"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| peak RSS (MiB) | {local.PeakResidentBytes / 1048576.0:F0} | {peer.PeakResidentBytes / 1048576.0:F0} | | | |"));
            foreach (var target in targets)
            {
                target.Dispose();
            }
        }

        await MeasureDiskDataSetAsync(diskDataSetBytes);
    }

    private static List<Row> Rows()
    {
        var rows = new List<Row>();
        foreach (var concurrency in new[] { 1, 4, 16 })
        {
            rows.Add(Put($"PUT 8 MiB c={concurrency}", "MB/s", LargeObject / 1e6, concurrency, static t => t.Large));
        }

        foreach (var concurrency in new[] { 1, 4, 16 })
        {
            rows.Add(Get($"GET 8 MiB c={concurrency}", "MB/s", LargeObject / 1e6, concurrency, "large/", LargeReadSet));
        }

        // The SDK client hashes every GET body with a managed MD5 (about 25 ms of CPU per 8 MiB, several times the
        // server's), so the rows above are bound by the client; these measure what the server can serve.
        foreach (var concurrency in new[] { 1, 4, 16 })
        {
            rows.Add(RawGet($"GET 8 MiB c={concurrency}, lean client", "MB/s", LargeObject / 1e6, concurrency, "large/", LargeReadSet));
        }

        foreach (var concurrency in new[] { 1, 16 })
        {
            rows.Add(Put($"PUT 4 KiB c={concurrency}", "ops/s", 1, concurrency, static t => t.Small));
        }

        foreach (var concurrency in new[] { 1, 16 })
        {
            rows.Add(Get($"GET 4 KiB c={concurrency}", "ops/s", 1, concurrency, "small/", SmallReadSet));
        }

        return rows;

        // unitsPerOperation turns operations per second into the row's unit: MB per operation for MB/s, 1 for ops/s.
        static Row Put(string name, string unit, double unitsPerOperation, int concurrency, Func<Target, byte[]> body) => new(name, unit, async (t, time) =>
        {
            var prefix = t.NextPutPrefix();
            var (operations, seconds) = await RunForAsync(time, concurrency, (i, token) => PutAsync(t.Client, t.Bucket, Key(prefix, i), body(t), token));
            t.Written(prefix, operations);
            return (operations / seconds * unitsPerOperation, operations);
        });

        static Row Get(string name, string unit, double unitsPerOperation, int concurrency, string prefix, int readSet) => new(name, unit, async (t, time) =>
        {
            var (operations, seconds) = await RunForAsync(time, concurrency, (i, token) => GetAsync(t.Client, t.Bucket, Key(prefix, i % readSet), token));
            return (operations / seconds * unitsPerOperation, operations);
        });

        static Row RawGet(string name, string unit, double unitsPerOperation, int concurrency, string prefix, int readSet) => new(name, unit, async (t, time) =>
        {
            var (operations, seconds) = await RunForAsync(time, concurrency, async (i, token) =>
            {
                using var response = await t.RawClient.GetAsync(t.Bucket, Key(prefix, i % readSet), null, token);
                response.EnsureSuccessStatusCode();
                await using var body = await response.Content.ReadAsStreamAsync(token);
                await body.CopyToAsync(Stream.Null, 1024 * 1024, token);
            });
            return (operations / seconds * unitsPerOperation, operations);
        });
    }

    /// <summary>
    /// Starts operations on <paramref name="concurrency"/> lanes until <paramref name="time"/> has passed, lets those in
    /// flight finish, and returns how many ran and how long it all took.
    /// </summary>
    private static async Task<(int Operations, double Seconds)> RunForAsync(TimeSpan time, int concurrency, Func<int, CancellationToken, Task> operation)
    {
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Parallel.ForAsync(0, concurrency, async (_, token) =>
        {
            while (watch.Elapsed < time)
            {
                await operation(Interlocked.Increment(ref next), token);
            }
        });
        return (next + 1, watch.Elapsed.TotalSeconds);
    }

    private static string Key(string prefix, int i) => prefix + i.ToString("D6", CultureInfo.InvariantCulture);

    private static async Task PutAsync(AmazonS3Client client, string bucket, string key, byte[] body, CancellationToken token) =>
        await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = new MemoryStream(body, writable: false),
            UseChunkEncoding = false,
        }, token);

    private static async Task GetAsync(AmazonS3Client client, string bucket, string key, CancellationToken token)
    {
        using var response = await client.GetObjectAsync(bucket, key, token);
        await response.ResponseStream.CopyToAsync(Stream.Null, token);
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
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, (i, token) =>
            new ValueTask(PutAsync(client, bucket, Key(prefix, i), body, token)));
        return watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> GetManyAsync(AmazonS3Client client, string bucket, string prefix, int count, int concurrency)
    {
        var watch = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, (i, token) =>
            new ValueTask(GetAsync(client, bucket, Key(prefix, i), token)));
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>One line of the table: measures a server for at least a given time; returns the rate in the row's unit and the operations run.</summary>
    private sealed record Row(string Name, string Unit, Func<Target, TimeSpan, Task<(double Rate, int Operations)>> MeasureAsync);

    private sealed class Target(ServerProcess server, AmazonS3Client client, string bucket, byte[] large, byte[] small) : IDisposable
    {
        public ServerProcess Server { get; } = server;

        public AmazonS3Client Client { get; } = client;

        /// <summary>Plain HttpClient requests signed over the headers only: no body is hashed or inspected.</summary>
        public RawS3Client RawClient { get; } = new(new LocalS3Pair.Endpoint(server.Name, server.ServiceUrl, "us-east-1", "BENCHKEY", "BENCHSECRET"), maxConnections: 64);

        public string Bucket { get; } = bucket;

        public byte[] Large { get; } = large;

        public byte[] Small { get; } = small;

        private readonly List<(string Prefix, int Count)> _written = [];

        /// <summary>A prefix no earlier PUT measurement on this server used.</summary>
        public string NextPutPrefix() => string.Create(CultureInfo.InvariantCulture, $"put-{_written.Count}/");

        public void Written(string prefix, int count) => _written.Add((prefix, count));

        /// <summary>Deletes what the PUT measurements wrote (untimed).</summary>
        public async Task DeleteWrittenAsync()
        {
            const int batch = 1000;
            foreach (var (prefix, count) in _written)
            {
                for (var first = 0; first < count; first += batch)
                {
                    await Client.DeleteObjectsAsync(new DeleteObjectsRequest
                    {
                        BucketName = Bucket,
                        Objects = [.. Enumerable.Range(first, Math.Min(batch, count - first)).Select(i => new KeyVersion { Key = Key(prefix, i) })],
                    });
                }
            }

            _written.Clear();
        }

        public static async Task<Target> CreateAsync(ServerProcess server)
        {
            var client = LocalS3Benchmark.Client(server.ServiceUrl);
            var bucket = "bench-" + Guid.NewGuid().ToString("N")[..12];
            await client.PutBucketAsync(bucket);
            var large = new byte[LargeObject];
            var small = new byte[SmallObject];
            Random.Shared.NextBytes(large);
            Random.Shared.NextBytes(small);

            // The GET rows' objects; writing and reading them once also warms both sides (JIT, connection pools).
            await PutManyAsync(client, bucket, "large/", large, LargeReadSet, concurrency: 4);
            await GetManyAsync(client, bucket, "large/", LargeReadSet, concurrency: 4);
            await PutManyAsync(client, bucket, "small/", small, SmallReadSet, concurrency: 8);
            await GetManyAsync(client, bucket, "small/", SmallReadSet, concurrency: 8);
            return new Target(server, client, bucket, large, small);
        }

        public void Dispose()
        {
            Client.Dispose();
            RawClient.Dispose();
        }
    }
}
