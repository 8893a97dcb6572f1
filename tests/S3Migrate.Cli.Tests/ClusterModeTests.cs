using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using S3Migrate.Testing;

namespace S3Migrate.Cli.Tests;

/// <summary>
/// Silo processes in cluster mode — membership, grain state and reminders in DynamoDB Local, job streams on fauxqs —
/// and the console finding them through the membership table, as operators reach a deployed cluster.
/// </summary>
public sealed class ClusterModeTests : IAsyncLifetime, IClassFixture<StandInsFixture>
{
    private static readonly TimeSpan QueueSettle = TimeSpan.FromSeconds(20);

    private readonly StandInsFixture _standIns;
    private readonly string _unique = Guid.NewGuid().ToString("N")[..8];
    private CliHarness _cli = null!;
    private AmazonSQSClient _sqs = null!;

    public ClusterModeTests(StandInsFixture standIns) => _standIns = standIns;

    private string Table => "s3m-members-" + _unique;

    private string JobsQueue => "s3m-jobs-" + _unique;

    private string DeadLetterQueue => "s3m-jobs-dlq-" + _unique;

    private string EventsQueue => "s3m-events-" + _unique;

    private string DynamoDb => _standIns.StandIns.DynamoDbServiceUrl.AbsoluteUri;

    public async Task InitializeAsync()
    {
        _cli = await CliHarness.StartAsync(o => o with { SqsServiceUrl = _standIns.StandIns.SqsServiceUrl.AbsoluteUri });
        _sqs = _standIns.StandIns.CreateSqsClient();

        // As the deployment creates them: the jobs queue redrives to a dead-letter queue.
        var dlqUrl = (await _sqs.CreateQueueAsync(DeadLetterQueue)).QueueUrl;
        var dlqArn = (await _sqs.GetQueueAttributesAsync(dlqUrl, ["QueueArn"])).QueueARN;
        await _sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = JobsQueue,
            Attributes = new Dictionary<string, string> { ["RedrivePolicy"] = $"{{\"deadLetterTargetArn\":\"{dlqArn}\",\"maxReceiveCount\":\"5\"}}" },
        });
        await _sqs.CreateQueueAsync(EventsQueue);
    }

    public async Task DisposeAsync()
    {
        _sqs.Dispose();
        await _cli.DisposeAsync();
    }

    [Fact]
    public async Task TwoClusterSilosCopyAMigrationSubmittedThroughTheMembershipTable()
    {
        var source = await _cli.BucketAsync(_cli.GlobalServer, "src");
        var destination = await _cli.BucketAsync(_cli.ChinaServer, "dst");
        var objects = Enumerable.Range(0, 60).ToDictionary(static i => $"data/{i % 6}/{i:D2}.txt", static i => CliHarness.Bytes(500 + i, i), StringComparer.Ordinal);
        objects["data/large-1.bin"] = CliHarness.Bytes(20 * CliHarness.MiB, 101);
        objects["data/large-2.bin"] = CliHarness.Bytes((17 * CliHarness.MiB) + 3, 102);
        await _cli.PutAsync(_cli.GlobalServer, source, objects);
        _cli.GlobalServer.Counters.Reset();

        using var first = await SiloProcess.StartAsync(_cli, Cluster());
        using var second = await SiloProcess.StartAsync(_cli, Cluster());

        var submitted = await _cli.CliAsync(
            [.. Submit("cluster-copy", $"s3://{source}/data/", $"s3://{destination}/copy/"), "--watch", "--json"], TimeSpan.FromMinutes(3));

        Assert.True(submitted.ExitCode == 0, $"{submitted}\n--- first silo\n{first.Process}\n--- second silo\n{second.Process}");
        var report = CopyReport.Parse(submitted);
        Assert.True(report.ElapsedSeconds < 60, $"{report.ElapsedSeconds} s\n--- first silo\n{first.Process}\n--- second silo\n{second.Process}");
        Assert.Equal(("Completed", objects.Count), (report.State, (int)report.Counters.ObjectsDone));
        await _cli.AssertCopiedAsync(objects, destination, static key => "copy/" + key["data/".Length..]);
        Assert.Empty(CliHarness.Writes(_cli.GlobalServer));
        Assert.False(first.Process.Process.HasExited || second.Process.Process.HasExited, "a silo exited");

        // Every job message was deleted once its object was done; none went to the dead-letter queue.
        Assert.Equal((0, 0), await WaitEmptyAsync(JobsQueue));
        Assert.Equal((0, 0), await DepthAsync(DeadLetterQueue));
    }

    [Fact]
    public async Task ThreeSilosFinishEveryObjectAfterOneIsKilledMidTransfer()
    {
        var source = await _cli.BucketAsync(_cli.GlobalServer, "src");
        var destination = await _cli.BucketAsync(_cli.ChinaServer, "dst");

        // About 300 objects, 2 GiB: 12 × 96 MiB, 40 × 16–24 MiB, 248 small.
        var objects = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (var i = 0; i < 12; i++)
        {
            objects[$"big/{i:D2}.bin"] = CliHarness.Bytes(96 * CliHarness.MiB, 1000 + i);
        }

        for (var i = 0; i < 40; i++)
        {
            objects[$"mid/{i:D2}.bin"] = CliHarness.Bytes((16 * CliHarness.MiB) + (i * 200 * 1024), 2000 + i);
        }

        for (var i = 0; i < 248; i++)
        {
            objects[$"small/{i % 8}/{i:D3}.txt"] = CliHarness.Bytes(1000 + (i * 37), 3000 + i);
        }

        await _cli.PutAsync(_cli.GlobalServer, source, objects);
        _cli.ChinaServer.Counters.Reset();

        // A short visibility timeout, so the killed silo's jobs come back quickly; the heartbeat keeps running jobs.
        var settings = Cluster(new Dictionary<string, string?> { ["S3Migrate__Cluster__JobVisibilityTimeoutSeconds"] = "8" });
        using var first = await SiloProcess.StartAsync(_cli, settings);
        using var second = await SiloProcess.StartAsync(_cli, settings);
        using var third = await SiloProcess.StartAsync(_cli, settings);

        var submitted = await _cli.CliAsync([.. Submit("silo-loss", $"s3://{source}/", $"s3://{destination}/")], TimeSpan.FromMinutes(1));
        Assert.True(submitted.ExitCode == 0, submitted.ToString());

        // Kill one silo (SIGKILL) once large objects are well under way.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (_cli.ChinaServer.Counters.Requests("UploadPart") < 40)
        {
            Assert.True(DateTime.UtcNow < deadline, "the transfer did not get under way");
            await Task.Delay(100);
        }

        first.Process.Process.Kill();
        await first.Process.Process.WaitForExitAsync();

        var watched = await _cli.CliAsync([.. Cluster("watch", "silo-loss"), "--json"], TimeSpan.FromMinutes(5));
        var failure = $"{watched}\n--- second silo\n{second.Process}\n--- third silo\n{third.Process}";
        Assert.True(watched.ExitCode == 0, failure);
        var report = CopyReport.Parse(watched);
        Assert.True(report.State == "Completed", failure);
        await _cli.AssertCopiedAsync(objects, destination, static key => key);

        // No unfinished upload left behind; every job message deleted; nothing in the dead-letter queue.
        var uploads = await _cli.Client(_cli.ChinaServer).ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = destination });
        Assert.Empty(uploads.MultipartUploads ?? []);
        var left = await WaitEmptyAsync(JobsQueue);
        Assert.True(left == (0, 0), $"jobs queue: {left}\n{failure}");
        var dead = await DepthAsync(DeadLetterQueue);
        if (dead != (0, 0))
        {
            var letters = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = (await _sqs.GetQueueUrlAsync(DeadLetterQueue)).QueueUrl, MaxNumberOfMessages = 3 });
            Assert.Fail($"dead-letter queue: {dead}: {string.Join("\n", (letters.Messages ?? []).Select(static m => m.Body))}\n{failure}");
        }

        Assert.False(second.Process.Process.HasExited || third.Process.Process.HasExited, "a surviving silo exited");
    }

    [Fact]
    public async Task ObjectsWrittenAtTheSourceFollowThroughS3EventNotifications()
    {
        var source = await _cli.BucketAsync(_cli.GlobalServer, "src");
        var destination = await _cli.BucketAsync(_cli.ChinaServer, "dst");
        await _cli.PutAsync(_cli.GlobalServer, source, new Dictionary<string, byte[]> { ["in/old.txt"] = CliHarness.Bytes(100, 1) });

        using var silo = await SiloProcess.StartAsync(_cli, Cluster(new Dictionary<string, string?> { ["S3Migrate__Cluster__EventsQueueName"] = EventsQueue }));
        var submitted = await _cli.CliAsync(
            [.. Submit("follow", $"s3://{source}/in/", $"s3://{destination}/out/"), "--follow-deletes", "--watch", "--json"], TimeSpan.FromMinutes(2));
        Assert.True(submitted.ExitCode == 0, $"{submitted}\n--- silo\n{silo.Process}");

        // Notifications of the source bucket go to the events queue (S3 first sends its test event).
        var eventsArn = (await _sqs.GetQueueAttributesAsync((await _sqs.GetQueueUrlAsync(EventsQueue)).QueueUrl, ["QueueArn"])).QueueARN;
        var s3 = _cli.Client(_cli.GlobalServer);
        await s3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = source,
            QueueConfigurations = [new QueueConfiguration { Queue = eventsArn, Events = [EventType.ObjectCreatedAll, EventType.ObjectRemovedAll] }],
        });

        var created = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["in/new one+plus.txt"] = CliHarness.Bytes(4321, 2),
            ["in/ünïcode/ключ.bin"] = CliHarness.Bytes(7 * CliHarness.MiB, 3),
        };
        await _cli.PutAsync(_cli.GlobalServer, source, created);
        await s3.DeleteObjectAsync(source, "in/old.txt");
        await _cli.PutAsync(_cli.GlobalServer, source, new Dictionary<string, byte[]> { ["elsewhere/not-followed.txt"] = CliHarness.Bytes(10, 4) });

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        IReadOnlyList<string> keys;
        while (true)
        {
            keys = await _cli.KeysAsync(_cli.ChinaServer, destination);
            if (keys.SequenceEqual(["out/new one+plus.txt", "out/ünïcode/ключ.bin"], StringComparer.Ordinal) || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(250);
        }

        Assert.True(
            keys.SequenceEqual(["out/new one+plus.txt", "out/ünïcode/ключ.bin"], StringComparer.Ordinal),
            $"destination holds [{string.Join(", ", keys)}]\n--- silo\n{silo.Process}");
        await _cli.AssertCopiedAsync(created, destination, static key => "out/" + key["in/".Length..]);

        // The test event was dropped and the followed events deleted once done; the event outside every route is
        // left to the queue's redrive policy, so it is the one message that stays.
        var remaining = await WaitDepthAsync(EventsQueue, 1);
        Assert.True(remaining == 1, $"{remaining} messages left in the events queue\n--- silo\n{silo.Process}");
        Assert.Equal((0, 0), await DepthAsync(DeadLetterQueue));
    }

    [Fact]
    public async Task AJobListPutOnTheQueueIsCopiedThroughTheMigrationsRoutes()
    {
        var source = await _cli.BucketAsync(_cli.GlobalServer, "src");
        var destination = await _cli.BucketAsync(_cli.ChinaServer, "dst");
        using var silo = await SiloProcess.StartAsync(_cli, Cluster());
        var submitted = await _cli.CliAsync([.. Submit("listed", $"s3://{source}/in/", $"s3://{destination}/out/"), "--watch", "--json"], TimeSpan.FromMinutes(2));
        Assert.True(submitted.ExitCode == 0, $"{submitted}\n--- silo\n{silo.Process}");

        // Written after the migration's diff, then named in a list (the original tool's "list to SQS").
        var listed = Enumerable.Range(0, 25).ToDictionary(static i => $"in/listed {i:D2}.txt", static i => CliHarness.Bytes(300 + i, 50 + i), StringComparer.Ordinal);
        listed["in/big.bin"] = CliHarness.Bytes(11 * CliHarness.MiB, 99);
        await _cli.PutAsync(_cli.GlobalServer, source, listed);
        var list = _cli.WriteFile("keys.txt", "# listed objects\n" + string.Join("\n", listed.Keys.Select(k => $"s3://{source}/{k}")) + "\n");
        _cli.Environment["AWS_ACCESS_KEY_ID"] = "AKIAFAUXQS0000000001";
        _cli.Environment["AWS_SECRET_ACCESS_KEY"] = "fauxqs-secret";

        var enqueued = await _cli.CliAsync(
            "enqueue", "listed", list, "--queue", JobsQueue, "--sqs-url", _standIns.StandIns.SqsServiceUrl.AbsoluteUri, "--region", StandIns.Region, "--batch", "10");
        Assert.True(enqueued.ExitCode == 0, enqueued.ToString());
        Assert.Contains("26 jobs of migration listed in 3 messages", enqueued.StandardOutput, StringComparison.Ordinal);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await _cli.KeysAsync(_cli.ChinaServer, destination)).Count < listed.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        await _cli.AssertCopiedAsync(listed, destination, static key => "out/" + key["in/".Length..]);
        Assert.Equal((0, 0), await WaitEmptyAsync(JobsQueue));

        // A line that names no object: one line naming the file and line, nothing sent.
        var bad = _cli.WriteFile("bad.txt", $"s3://{source}/in/a.txt\njust-a-bucket\n");
        var refused = await _cli.CliAsync("enqueue", "listed", bad, "--queue", JobsQueue, "--sqs-url", _standIns.StandIns.SqsServiceUrl.AbsoluteUri);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("bad.txt:2: 'just-a-bucket' is not s3://bucket/key or bucket/key", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal((0, 0), await DepthAsync(JobsQueue));
    }

    private Dictionary<string, string?> Cluster(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["S3Migrate__Mode"] = "Cluster",
            ["S3Migrate__Cluster__ClusterId"] = "cluster-" + _unique,
            ["S3Migrate__Cluster__ServiceId"] = "service-" + _unique,
            ["S3Migrate__Cluster__Region"] = StandIns.Region,
            ["S3Migrate__Cluster__MembershipTableName"] = Table,
            ["S3Migrate__Cluster__GrainStateTableName"] = "s3m-state-" + _unique,
            ["S3Migrate__Cluster__ReminderTableName"] = "s3m-reminders-" + _unique,
            ["S3Migrate__Cluster__JobsQueueName"] = JobsQueue,
            ["S3Migrate__Cluster__DynamoDbServiceUrl"] = DynamoDb,
            ["S3Migrate__Cluster__SqsServiceUrl"] = _standIns.StandIns.SqsServiceUrl.AbsoluteUri,
            ["S3Migrate__Cluster__ReceiveWaitSeconds"] = "2",
            ["S3Migrate__Cluster__RejectedVisibilitySeconds"] = "1",
            ["S3Migrate__Cluster__DeleteBatchWindowSeconds"] = "0.2",
            ["S3Migrate__Cluster__DeliveryRetrySeconds"] = "3",
            ["S3Migrate__Cluster__CreateTables"] = "true",
            ["S3Migrate__Cluster__AdvertisedAddress"] = "127.0.0.1",
            ["AWS_ACCESS_KEY_ID"] = "AKIADYNAMODBLOCAL001",
            ["AWS_SECRET_ACCESS_KEY"] = "dynamodb-local-secret",
            ["AWS_REGION"] = StandIns.Region,
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Orleans"] = "Warning",
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[name] = value;
        }

        return settings;
    }

    private string[] Cluster(params string[] command) =>
        [.. command, "--membership-table", Table, "--dynamodb-url", DynamoDb, "--region", StandIns.Region, "--cluster-id", "cluster-" + _unique, "--service-id", "service-" + _unique];

    private string[] Submit(string id, string source, string destination) =>
        Cluster("submit", source, destination, "--from", "global", "--to", "china", "--id", id);

    private async Task<(int Visible, int InFlight)> DepthAsync(string queue) => await _sqs.DepthAsync(await UrlAsync(queue));

    private async Task<int> WaitDepthAsync(string queue, int expected)
    {
        var (visible, inFlight) = await _sqs.WaitDepthAsync(await UrlAsync(queue), d => d.Visible + d.InFlight == expected, QueueSettle);
        return visible + inFlight;
    }

    /// <summary>Polls until the queue holds no message at all (bounded).</summary>
    private async Task<(int Visible, int InFlight)> WaitEmptyAsync(string queue) =>
        await _sqs.WaitDepthAsync(await UrlAsync(queue), static d => d == (0, 0), QueueSettle);

    private async Task<string> UrlAsync(string queue) => (await _sqs.GetQueueUrlAsync(queue)).QueueUrl;
}
