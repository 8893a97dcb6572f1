using System.Diagnostics;
using System.Globalization;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3Migrate.Benchmarks;

/// <summary>
/// LocalS3 against fauxqs, measured in the same run with the same client: 8 MiB PUT/GET throughput at concurrency
/// 1/4/16 and 4 KiB PUT/GET rates, then LocalS3's peak memory while holding a multi-GiB data set on disk.
/// LocalS3 must never be the bottleneck that hides the engine's speed.
/// </summary>
public static class LocalS3Benchmark
{
    private const int LargeObject = 8 * 1024 * 1024;
    private const int SmallObject = 4 * 1024;

    public static async Task RunAsync(bool quick, long diskDataSetBytes)
    {
        AWSConfigs.InitializeCollections = true;
        var rows = new List<(string Metric, string Unit)>
        {
            ("PUT 8 MiB c=1", "MB/s"), ("PUT 8 MiB c=4", "MB/s"), ("PUT 8 MiB c=16", "MB/s"),
            ("GET 8 MiB c=1", "MB/s"), ("GET 8 MiB c=4", "MB/s"), ("GET 8 MiB c=16", "MB/s"),
            ("PUT 4 KiB c=1", "ops/s"), ("PUT 4 KiB c=16", "ops/s"), ("GET 4 KiB c=1", "ops/s"), ("GET 4 KiB c=16", "ops/s"),
        };
        var results = new Dictionary<string, double[]>();
        var peaks = new Dictionary<string, long>();
        foreach (var start in new Func<Task<ServerProcess>>[] { () => ServerProcess.StartLocalS3Async(null), ServerProcess.StartFauxqsAsync })
        {
            await using var server = await start();
            Console.Error.WriteLine($"measuring {server.Name} at {server.ServiceUrl}");
            results[server.Name] = await MeasureAsync(server, quick);
            peaks[server.Name] = server.PeakResidentBytes;
        }

        var local = results.Keys.First();
        var peer = results.Keys.Last();
        Console.WriteLine($"| metric | {local} | {peer} | ratio |");
        Console.WriteLine("|---|---|---|---|");
        for (var i = 0; i < rows.Count; i++)
        {
            var (metric, unit) = rows[i];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {metric} ({unit}) | {results[local][i]:F0} | {results[peer][i]:F0} | {results[local][i] / results[peer][i]:F2}× |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| peak RSS (MiB) | {peaks[local] / 1048576.0:F0} | {peaks[peer] / 1048576.0:F0} | |"));

        await MeasureDiskDataSetAsync(diskDataSetBytes);
    }

    private static async Task<double[]> MeasureAsync(ServerProcess server, bool quick)
    {
        using var client = Client(server.ServiceUrl);
        var bucket = "bench-" + Guid.NewGuid().ToString("N")[..12];
        await client.PutBucketAsync(bucket);
        var large = new byte[LargeObject];
        var small = new byte[SmallObject];
        Random.Shared.NextBytes(large);
        Random.Shared.NextBytes(small);

        // Warm up both sides (JIT, connection pools).
        await PutManyAsync(client, bucket, "warm/", large, count: 4, concurrency: 4);
        await PutManyAsync(client, bucket, "warm-small/", small, count: 200, concurrency: 8);

        var values = new List<double>();
        foreach (var concurrency in new[] { 1, 4, 16 })
        {
            var count = quick ? concurrency * 2 : Math.Max(16, concurrency * 4);
            var seconds = await PutManyAsync(client, bucket, $"large-{concurrency}/", large, count, concurrency);
            values.Add(count * (double)LargeObject / 1e6 / seconds);
        }

        foreach (var concurrency in new[] { 1, 4, 16 })
        {
            var count = quick ? concurrency * 2 : Math.Max(16, concurrency * 4);
            var seconds = await GetManyAsync(client, bucket, $"large-{concurrency}/", count, concurrency);
            values.Add(count * (double)LargeObject / 1e6 / seconds);
        }

        foreach (var concurrency in new[] { 1, 16 })
        {
            var count = quick ? 200 : (concurrency == 1 ? 2000 : 8000);
            values.Add(count / await PutManyAsync(client, bucket, $"small-{concurrency}/", small, count, concurrency));
        }

        foreach (var concurrency in new[] { 1, 16 })
        {
            var count = quick ? 200 : (concurrency == 1 ? 2000 : 8000);
            values.Add(count / await GetManyAsync(client, bucket, $"small-{concurrency}/", count, concurrency));
        }

        return [.. values];
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
}
