using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using S3Migrate.Testing;

namespace S3Migrate.Benchmarks;

/// <summary>
/// Cluster mode's costs and speed: three silo processes (DynamoDB Local for membership, grain state and reminders;
/// fauxqs for the job streams), migrations submitted with the console. DynamoDB writes and SQS requests are counted
/// by proxies in front of the stand-ins, so every request any silo or the console made is seen. The same data is also
/// copied by <c>s3migrate copy</c> (embedded mode), and one run kills a silo (SIGKILL) mid-transfer.
/// </summary>
internal static class ClusterBenchmark
{
    public const string Usage = "cluster [--quick]";

    private const long MiB = 1024 * 1024;
    private static readonly string[] DynamoDbWrites = ["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"];

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        await using var standIns = await StandIns.StartAsync();
        await using var servers = await LocalS3Pair.StartAsync();
        await using var dynamoDb = CountingProxy.Start(standIns.DynamoDbServiceUrl);
        await using var sqs = CountingProxy.Start(standIns.SqsServiceUrl);
        var work = Directory.CreateTempSubdirectory("s3m-cluster-bench-");
        using var sqsClient = standIns.CreateSqsClient();
        var unique = Guid.NewGuid().ToString("N")[..8];
        var cluster = new Cluster(unique, work.FullName, servers, dynamoDb.Url, sqs.Url);
        await cluster.CreateQueuesAsync(sqsClient);

        var workloads = new[]
        {
            new Workload("large", quick ? 4 : 24, quick ? 40 * MiB : 64 * MiB),
            new Workload("small", quick ? 200 : 4000, 4096),
        };
        using var source = servers.Global.Client();
        using var destination = servers.China.Client();
        var content = new ObjectContent((int)(16 * MiB), seed: 20_261_128);
        foreach (var workload in workloads)
        {
            await Console.Error.WriteLineAsync($"cluster benchmark: uploading {workload.Count} × {workload.Size / 1024} KiB");
            await source.PutBucketAsync("cb-src-" + workload.Name);
            await Parallel.ForEachAsync(Enumerable.Range(0, workload.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
                await source.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = "cb-src-" + workload.Name,
                    Key = $"o/{i:D5}",
                    InputStream = content.Open(i, workload.Size),
                    UseChunkEncoding = false,
                }, ct));
        }

        var silos = new List<Process>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                silos.Add(await cluster.StartSiloAsync(i));
            }

            // Untimed: a first migration on the fresh cluster, so the timed runs meet silos whose stream queues are
            // settled among all three (a silo joining moves pulling agents) and whose code is compiled, as embedded mode
            // meets a warmed process.
            await destination.PutBucketAsync("cb-dst-warmup");
            var warmup = await cluster.SubmitAsync($"warmup-{unique}", "cb-src-small", "cb-dst-warmup");
            if (warmup.ExitCode != 0)
            {
                await Console.Error.WriteLineAsync($"warm-up migration failed\n{warmup}");
                return 1;
            }

            var rows = new List<string>();
            foreach (var workload in workloads)
            {
                foreach (var mode in new[] { "cluster", "embedded" })
                {
                    var bucket = $"cb-dst-{workload.Name}-{mode}";
                    await destination.PutBucketAsync(bucket);
                    dynamoDb.Reset();
                    sqs.Reset();
                    var watch = Stopwatch.StartNew();
                    var result = mode == "cluster"
                        ? await cluster.SubmitAsync($"{workload.Name}-{unique}", "cb-src-" + workload.Name, bucket)
                        : await cluster.CopyAsync("cb-src-" + workload.Name, bucket);
                    var seconds = watch.Elapsed.TotalSeconds;
                    var copied = await CountAsync(destination, bucket);
                    if (result.ExitCode != 0 || copied != workload.Count)
                    {
                        await Console.Error.WriteLineAsync($"{workload.Name}/{mode}: exit {result.ExitCode}, {copied}/{workload.Count} objects\n{result}");
                        return 1;
                    }

                    var costs = mode == "cluster"
                        ? string.Create(CultureInfo.InvariantCulture,
                            $"{(double)dynamoDb.Count(DynamoDbWrites) / workload.Count:F3} | {(double)sqs.Total / workload.Count:F3} | {Describe(sqs.Counts)} | {Describe(dynamoDb.Counts)} |")
                        : "– | – | – | – |";
                    rows.Add(string.Create(CultureInfo.InvariantCulture,
                        $"| {workload.Name} | {mode} | {workload.Count} × {Size(workload.Size)} | {seconds:F1} | {workload.Count * workload.Size / MiB / seconds:F0} | {workload.Count / seconds:F0} | {costs}"));
                }
            }

            // A silo killed mid-transfer: the run against the same run without a kill.
            var killBucket = "cb-dst-large-kill";
            await destination.PutBucketAsync(killBucket);
            await servers.ResetCountersAsync();
            var killWatch = Stopwatch.StartNew();
            var submitted = await cluster.SubmitAsync($"kill-{unique}", "cb-src-large", killBucket, follow: false);
            while ((await servers.RequestsAsync(servers.China)).GetValueOrDefault("UploadPart") < (quick ? 3 : 8) && killWatch.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(100);
            }

            var killedAt = killWatch.Elapsed.TotalSeconds;
            silos[0].Kill();
            await silos[0].WaitForExitAsync();

            // While the console follows the migration: when the membership table first shows the silo dead.
            var sinceKill = Stopwatch.StartNew();
            var watching = cluster.WatchAsync($"kill-{unique}");
            double? declaredDead = null;
            using var dynamoDbClient = standIns.CreateDynamoDbClient();
            while (!watching.IsCompleted && declaredDead is null)
            {
                declaredDead = await cluster.DeadSilosAsync(dynamoDbClient) > 0 ? sinceKill.Elapsed.TotalSeconds : null;
                await Task.WhenAny(watching, Task.Delay(250));
            }

            var watched = await watching;
            var killCopied = await CountAsync(destination, killBucket);
            var uploads = (await destination.ListMultipartUploadsAsync(killBucket)).MultipartUploads?.Count ?? 0;

            Console.WriteLine("| workload | mode | objects | wall s | MiB/s | objects/s | DynamoDB writes/object | SQS requests/object | SQS requests | DynamoDB requests |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
            rows.ForEach(Console.WriteLine);
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"silo killed (SIGKILL) {killedAt:F1} s into the large run: completed after {killWatch.Elapsed.TotalSeconds:F1} s, {killCopied}/{workloads[0].Count} objects, " +
                $"{uploads} unfinished uploads left, exit {watched.ExitCode} (submit exit {submitted.ExitCode}); the membership table showed the silo dead " +
                $"{Seconds(declaredDead)} after the kill"));
            if (watched.ExitCode != 0 || killCopied != workloads[0].Count || uploads != 0)
            {
                await Console.Error.WriteLineAsync($"kill run: watch said\n{watched}");
                return 1;
            }

            return 0;
        }
        finally
        {
            foreach (var silo in silos.Where(static s => !s.HasExited))
            {
                silo.Kill();
                await silo.WaitForExitAsync();
            }

            await Task.WhenAll(cluster.LogWrites);
            work.Delete(recursive: true);
        }
    }

    private static string Seconds(double? seconds) => seconds is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s:F1} s") : "(not seen)";

    private static string Size(long bytes) => bytes >= MiB ? $"{bytes / MiB} MiB" : $"{bytes / 1024} KiB";

    private static string Describe(IReadOnlyDictionary<string, long> counts) =>
        string.Join(", ", counts.OrderByDescending(static c => c.Value).Select(static c => $"{c.Key} {c.Value}"));

    private static async Task<int> CountAsync(Amazon.S3.AmazonS3Client client, string bucket)
    {
        var count = 0;
        string? token = null;
        do
        {
            var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, ContinuationToken = token });
            count += page.S3Objects?.Count ?? 0;
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return count;
    }

    private sealed record Workload(string Name, int Count, long Size);

    /// <summary>The cluster's settings, its silo processes and the console run against it.</summary>
    private sealed class Cluster(string unique, string work, LocalS3Pair servers, Uri dynamoDb, Uri sqs)
    {
        private string Table => "cb-members-" + unique;

        private string JobsQueue => "cb-jobs-" + unique;

        /// <summary>Silos the membership table marks dead.</summary>
        public async Task<int> DeadSilosAsync(Amazon.DynamoDBv2.AmazonDynamoDBClient client)
        {
            const string dead = "6"; // Orleans' SiloStatus.Dead, as the membership table stores it
            var page = await client.ScanAsync(new Amazon.DynamoDBv2.Model.ScanRequest { TableName = Table });
            return page.Items.Count(item => item.TryGetValue("SiloStatus", out var status) && status.N == dead);
        }

        public async Task CreateQueuesAsync(AmazonSQSClient client)
        {
            var dlq = (await client.CreateQueueAsync(JobsQueue + "-dlq")).QueueUrl;
            var arn = (await client.GetQueueAttributesAsync(dlq, ["QueueArn"])).QueueARN;
            await client.CreateQueueAsync(new CreateQueueRequest
            {
                QueueName = JobsQueue,
                Attributes = new Dictionary<string, string> { ["RedrivePolicy"] = $"{{\"deadLetterTargetArn\":\"{arn}\",\"maxReceiveCount\":\"24\"}}" },
            });
        }

        public async Task<Process> StartSiloAsync(int index)
        {
            var silo = LoopbackPort.FindFree().ToString(CultureInfo.InvariantCulture);
            var gateway = LoopbackPort.FindFree();
            var environment = Environment();
            foreach (var (name, value) in new Dictionary<string, string>
            {
                ["S3Migrate__Mode"] = "Cluster",
                ["S3Migrate__Cluster__ClusterId"] = "c-" + unique,
                ["S3Migrate__Cluster__ServiceId"] = "s-" + unique,
                ["S3Migrate__Cluster__Region"] = "us-east-1",
                ["S3Migrate__Cluster__MembershipTableName"] = Table,
                ["S3Migrate__Cluster__GrainStateTableName"] = "cb-state-" + unique,
                ["S3Migrate__Cluster__ReminderTableName"] = "cb-reminders-" + unique,
                ["S3Migrate__Cluster__JobsQueueName"] = JobsQueue,
                ["S3Migrate__Cluster__DynamoDbServiceUrl"] = dynamoDb.AbsoluteUri,
                ["S3Migrate__Cluster__SqsServiceUrl"] = sqs.AbsoluteUri,
                ["S3Migrate__Cluster__CreateTables"] = "true",
                ["S3Migrate__Cluster__AdvertisedAddress"] = "127.0.0.1",
                ["S3Migrate__Cluster__JobVisibilityTimeoutSeconds"] = "30",
                ["S3Migrate__Cluster__DeliveryRetrySeconds"] = "5",
                ["S3Migrate__Cluster__SiloPort"] = silo,
                ["S3Migrate__Cluster__GatewayPort"] = gateway.ToString(CultureInfo.InvariantCulture),
                ["S3Migrate__Transfer__StateDirectory"] = Path.Combine(work, "state-" + index),
                ["Logging__LogLevel__Default"] = "Warning",
            })
            {
                environment[name] = value;
            }

            foreach (var endpoint in new[] { servers.Global, servers.China })
            {
                var prefix = $"S3Migrate__Endpoints__{endpoint.Name}__";
                environment[prefix + "ServiceUrl"] = endpoint.ServiceUrl.AbsoluteUri;
                environment[prefix + "Region"] = endpoint.Region;
                environment[prefix + "Credentials__AccessKeyId"] = endpoint.AccessKeyId;
                environment[prefix + "Credentials__SecretAccessKey"] = endpoint.SecretAccessKey;
            }

            // S3MIGRATE_BENCH_LOGS=DIR keeps each silo's log (at Information) in DIR/silo-N.log.
            var logs = System.Environment.GetEnvironmentVariable("S3MIGRATE_BENCH_LOGS");
            if (logs is not null)
            {
                environment["Logging__LogLevel__Default"] = "Information";
                environment["Logging__LogLevel__S3Migrate"] = "Debug";
                environment["Logging__Console__FormatterName"] = "simple";
                environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
                environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
            }

            var process = ExternalProcess.Start("dotnet", [Program("S3Migrate.Silo", "S3Migrate.Silo.dll")], environment, work);
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (logs is not null)
            {
                LogWrites.Add(Task.WhenAll(output, errors).ContinueWith(
                    t => File.WriteAllText(Path.Combine(logs, $"silo-{index}.log"), output.Result + errors.Result), TaskScheduler.Default));
            }

            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!await AcceptsAsync(gateway))
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"silo {index} did not start");
                }

                await Task.Delay(250);
            }

            return process;
        }

        /// <summary>Silo logs being written once their process ended (with S3MIGRATE_BENCH_LOGS).</summary>
        public List<Task> LogWrites { get; } = [];

        public Task<ProcessResult> SubmitAsync(string id, string source, string destination, bool follow = true) =>
            Console(["submit", $"s3://{source}/", $"s3://{destination}/", "--from", "global", "--to", "china", "--id", id, .. follow ? new[] { "--watch", "--json" } : [], .. Connection()]);

        public Task<ProcessResult> WatchAsync(string id) => Console(["watch", id, "--json", .. Connection()]);

        public async Task<ProcessResult> CopyAsync(string source, string destination)
        {
            var config = Path.Combine(work, "s3migrate.json");
            var endpoints = new JsonObject();
            foreach (var endpoint in new[] { servers.Global, servers.China })
            {
                endpoints[endpoint.Name] = new JsonObject
                {
                    ["ServiceUrl"] = endpoint.ServiceUrl.AbsoluteUri,
                    ["Region"] = endpoint.Region,
                    ["Credentials"] = new JsonObject { ["AccessKeyId"] = endpoint.AccessKeyId, ["SecretAccessKey"] = endpoint.SecretAccessKey },
                };
            }

            await File.WriteAllTextAsync(config, new JsonObject { ["Endpoints"] = endpoints }.ToJsonString());
            return await Console(["copy", $"s3://{source}/", $"s3://{destination}/", "--from", "global", "--to", "china", "--config", config, "--json",
                "--state-dir", Path.Combine(work, "copy-state")]);
        }

        private string[] Connection() =>
            ["--membership-table", Table, "--dynamodb-url", dynamoDb.AbsoluteUri, "--region", "us-east-1", "--cluster-id", "c-" + unique, "--service-id", "s-" + unique];

        private Task<ProcessResult> Console(string[] arguments) =>
            ExternalProcess.RunAsync("dotnet", [Program("S3Migrate.Cli", "s3migrate.dll"), .. arguments], Environment(), TimeSpan.FromMinutes(15), work);

        private Dictionary<string, string?> Environment() => new(StringComparer.Ordinal)
        {
            ["HOME"] = work,
            ["AWS_ACCESS_KEY_ID"] = null,
            ["AWS_SECRET_ACCESS_KEY"] = null,
            ["AWS_PROFILE"] = null,
            ["AWS_REGION"] = null,
            ["DOTNET_NOLOGO"] = "1",
        };

        private static string Program(string project, string assembly) =>
            Path.Combine(AppContext.BaseDirectory.Replace(Path.Combine("tests", "S3Migrate.Benchmarks"), Path.Combine("src", project), StringComparison.Ordinal), assembly);

        private static async Task<bool> AcceptsAsync(int port)
        {
            using var client = new System.Net.Sockets.TcpClient();
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port, timeout.Token);
                return true;
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or OperationCanceledException)
            {
                return false;
            }
        }
    }
}
