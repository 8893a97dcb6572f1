using S3Migrate.Testing;

namespace S3Migrate.Cli.Tests;

/// <summary>
/// Two silo processes in cluster mode — membership, grain state and reminders in DynamoDB Local — and the console
/// finding them through the membership table, as operators reach a deployed cluster.
/// </summary>
public sealed class ClusterModeTests : IAsyncLifetime, IClassFixture<StandInsFixture>
{
    private readonly StandInsFixture _standIns;
    private CliHarness _cli = null!;

    public ClusterModeTests(StandInsFixture standIns) => _standIns = standIns;

    public async Task InitializeAsync() => _cli = await CliHarness.StartAsync();

    public async Task DisposeAsync() => await _cli.DisposeAsync();

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

        var unique = Guid.NewGuid().ToString("N")[..8];
        var table = "s3m-members-" + unique;
        var dynamoDb = _standIns.StandIns.DynamoDbServiceUrl.AbsoluteUri;
        var cluster = new Dictionary<string, string?>
        {
            ["S3Migrate__Mode"] = "Cluster",
            ["S3Migrate__Cluster__ClusterId"] = "cluster-" + unique,
            ["S3Migrate__Cluster__ServiceId"] = "service-" + unique,
            ["S3Migrate__Cluster__Region"] = StandIns.Region,
            ["S3Migrate__Cluster__MembershipTableName"] = table,
            ["S3Migrate__Cluster__GrainStateTableName"] = "s3m-state-" + unique,
            ["S3Migrate__Cluster__ReminderTableName"] = "s3m-reminders-" + unique,
            ["S3Migrate__Cluster__JobsQueueName"] = "s3m-jobs-" + unique,
            ["S3Migrate__Cluster__DynamoDbServiceUrl"] = dynamoDb,
            ["S3Migrate__Cluster__CreateTables"] = "true",
            ["S3Migrate__Cluster__AdvertisedAddress"] = "127.0.0.1",
            ["AWS_ACCESS_KEY_ID"] = "AKIADYNAMODBLOCAL001",
            ["AWS_SECRET_ACCESS_KEY"] = "dynamodb-local-secret",
            ["AWS_REGION"] = StandIns.Region,
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Orleans"] = "Warning",
        };
        using var first = await SiloProcess.StartAsync(_cli, cluster);
        using var second = await SiloProcess.StartAsync(_cli, cluster);

        var submitted = await _cli.CliAsync(
            ["submit", $"s3://{source}/data/", $"s3://{destination}/copy/", "--from", "global", "--to", "china", "--id", "cluster-copy", "--watch", "--json",
             "--membership-table", table, "--dynamodb-url", dynamoDb, "--region", StandIns.Region,
             "--cluster-id", "cluster-" + unique, "--service-id", "service-" + unique],
            TimeSpan.FromMinutes(3));

        Assert.True(submitted.ExitCode == 0, $"{submitted}\n--- first silo\n{first.Process}\n--- second silo\n{second.Process}");
        var report = CopyReport.Parse(submitted);
        Assert.True(report.ElapsedSeconds < 60, $"{report.ElapsedSeconds} s\n--- first silo\n{first.Process}\n--- second silo\n{second.Process}");
        Assert.Equal(("Completed", objects.Count), (report.State, (int)report.Counters.ObjectsDone));
        await _cli.AssertCopiedAsync(objects, destination, static key => "copy/" + key["data/".Length..]);
        Assert.Empty(CliHarness.Writes(_cli.GlobalServer));
        Assert.False(first.Process.Process.HasExited || second.Process.Process.HasExited, "a silo exited");
    }
}
