using Amazon.S3.Model;
using Orleans.Runtime;
using S3Migrate.Abstractions;
using S3Migrate.LocalS3.Faults;
using Xunit.Abstractions;

namespace S3Migrate.Grains.Tests;

/// <summary>Migrations on a two-silo cluster against LocalS3: completion, verification, duplicates, re-diffs, cancel.</summary>
public sealed class MigrationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int MiB = MigrationCluster.MiB;
    private static readonly HashSet<string> WriteOperations = new(StringComparer.Ordinal)
    {
        "PutObject", "UploadPart", "CreateMultipartUpload", "CompleteMultipartUpload", "AbortMultipartUpload", "DeleteObject", "DeleteObjects",
        "CopyObject", "UploadPartCopy", "PutObjectTagging",
    };

    private MigrationCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await MigrationCluster.StartAsync(silos: 2);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task MixedMigrationCompletesAndEveryObjectIsIdentical()
    {
        var (source, destination) = await _cluster.BucketsAsync();
        var objects = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["empty"] = [],
            ["folder/"] = [],
            ["large/5MiB+1 ü.bin"] = MigrationCluster.Bytes((5 * MiB) + 1, 1),
            ["large/12MiB +%.bin"] = MigrationCluster.Bytes(12 * MiB, 2),
            ["large/16MiB.bin"] = MigrationCluster.Bytes(16 * MiB, 3),
        };
        for (var i = 0; i < 120; i++)
        {
            objects[$"small/{i:D3} ünï +%.bin"] = MigrationCluster.Bytes(1 + (i * 997 % 60_000), 100 + i);
        }

        foreach (var (key, data) in objects)
        {
            await _cluster.PutSourceAsync(source, key, data);
        }

        _cluster.S3.Global.Counters.Reset();
        _cluster.S3.China.Counters.Reset();
        var calls = _cluster.Calls.Values.Sum();
        var writes = _cluster.Store.Writes;

        var id = "mixed-" + Guid.NewGuid().ToString("N")[..8];
        var started = await _cluster.Client.GetGrain<IMigrationGrain>(id).StartAsync(MigrationCluster.Spec(source, destination, destinationPrefix: "copy/"));
        Assert.Equal(MigrationState.Diffing, started.State);
        var status = await _cluster.WaitAsync(id, TimeSpan.FromSeconds(120));

        Assert.Equal(MigrationState.Completed, status.State);
        Assert.Equal(objects.Count, status.Counters.ObjectsDone);
        Assert.Equal(0, status.Counters.ObjectsFailed);
        Assert.Equal(objects.Values.Sum(static d => (long)d.Length), status.Counters.BytesDone);
        foreach (var (key, data) in objects)
        {
            Assert.Equal(data, await _cluster.GetDestinationAsync(destination, "copy/" + key));
        }

        var listed = await _cluster.DestinationClient.ListObjectsV2Async(new ListObjectsV2Request { BucketName = destination });
        Assert.Equal(objects.Count, listed.S3Objects.Count);
        AssertEachPartSentOnce(_cluster.S3.China.Counters.Journal());
        Assert.DoesNotContain(_cluster.S3.Global.Counters.Journal(), r => WriteOperations.Contains(r.Operation));

        var callsPerObject = (double)(_cluster.Calls.Values.Sum() - calls) / objects.Count;
        var writesPerObject = (double)(_cluster.Store.Writes - writes) / objects.Count;
        output.WriteLine($"{objects.Count} objects: {callsPerObject:0.00} grain calls and {writesPerObject:0.000} storage writes per object");
        foreach (var (name, count) in _cluster.Calls.OrderByDescending(static c => c.Value))
        {
            output.WriteLine($"  {name}: {count}");
        }
    }

    [Fact]
    public async Task ADuplicatedJobIsCopiedOnce()
    {
        var (source, destination) = await _cluster.BucketsAsync();
        var id = "dup-" + Guid.NewGuid().ToString("N")[..8];
        await _cluster.Client.GetGrain<IMigrationGrain>(id).StartAsync(MigrationCluster.Spec(source, destination, "nothing-here/"));
        Assert.Equal(MigrationState.Completed, (await _cluster.WaitAsync(id, TimeSpan.FromSeconds(30))).State);
        var data = MigrationCluster.Bytes(12 * MiB, 7);
        await _cluster.PutSourceAsync(source, "dup/object.bin", data);
        _cluster.S3.China.Faults.Apply(new FaultSettings { Latency = TimeSpan.FromMilliseconds(50) });
        _cluster.S3.China.Counters.Reset();

        var job = new ObjectJob
        {
            MigrationId = id,
            SourceBucket = source,
            SourceKey = "dup/object.bin",
            DestinationBucket = destination,
            DestinationKey = "dup/object.bin",
            ExpectedSize = data.Length,
        };
        var stream = _cluster.Client.GetStreamProvider(StreamNames.Provider).GetStream<ObjectJob>(StreamId.Create(StreamNames.ObjectJobs, job.DestinationId));
        await stream.OnNextAsync(job);
        await stream.OnNextAsync(job);

        await WaitUntilAsync(async () => (await ExistsAsync(destination, "dup/object.bin")), TimeSpan.FromSeconds(30));
        await Task.Delay(1000);
        _cluster.S3.China.Faults.Clear();

        Assert.Equal(data, await _cluster.GetDestinationAsync(destination, "dup/object.bin"));
        var journal = _cluster.S3.China.Counters.Journal();
        Assert.Single(journal, static r => r.Operation == "CreateMultipartUpload");
        Assert.Single(journal, static r => r.Operation == "CompleteMultipartUpload");
        AssertEachPartSentOnce(journal);
    }

    [Fact]
    public async Task ARediffWhileJobsRunAddsNoWork()
    {
        var (source, destination) = await _cluster.BucketsAsync();
        var objects = Enumerable.Range(0, 4).ToDictionary(i => $"big-{i}.bin", i => MigrationCluster.Bytes(15 * MiB, 20 + i));
        foreach (var (key, data) in objects)
        {
            await _cluster.PutSourceAsync(source, key, data);
        }

        _cluster.S3.China.Counters.Reset();
        _cluster.S3.China.Faults.Apply(new FaultSettings { BandwidthTotal = 12L * MiB });
        var id = "rediff-" + Guid.NewGuid().ToString("N")[..8];
        var grain = _cluster.Client.GetGrain<IMigrationGrain>(id);
        await grain.StartAsync(MigrationCluster.Spec(source, destination));
        await WaitUntilAsync(() => Task.FromResult(_cluster.S3.China.Counters.Requests("UploadPart") >= 2), TimeSpan.FromSeconds(30));
        Assert.Equal(MigrationState.Running, (await grain.GetStatusAsync()).State);

        // A second round lists everything again while every object is still in flight.
        var rediff = await grain.VerifyAsync();
        Assert.True(rediff.Round >= 2, $"round {rediff.Round}");
        var status = await _cluster.WaitAsync(id, TimeSpan.FromSeconds(90));
        _cluster.S3.China.Faults.Clear();

        Assert.Equal(MigrationState.Completed, status.State);
        Assert.Equal(objects.Count, status.Counters.ObjectsDone);
        var journal = _cluster.S3.China.Counters.Journal();
        foreach (var (key, data) in objects)
        {
            Assert.Equal(data, await _cluster.GetDestinationAsync(destination, key));
            Assert.Single(journal, r => r.Operation == "CreateMultipartUpload" && r.Key == key);
        }

        AssertEachPartSentOnce(journal);
    }

    [Fact]
    public async Task CancelStopsPromptlyAndLeavesUploadsResumable()
    {
        var (source, destination) = await _cluster.BucketsAsync();
        // More parts than one object sends at once (12 against 4): parts stream in parallel and progress evenly, so the
        // first window ends together and the cancel must land while the second is in flight.
        var objects = Enumerable.Range(0, 3).ToDictionary(i => $"movie-{i}.bin", i => MigrationCluster.Bytes(60 * MiB, 40 + i));
        foreach (var (key, data) in objects)
        {
            await _cluster.PutSourceAsync(source, key, data);
        }

        _cluster.S3.China.Counters.Reset();
        _cluster.S3.China.Faults.Apply(new FaultSettings { BandwidthTotal = 24L * MiB });
        var id = "cancel-" + Guid.NewGuid().ToString("N")[..8];
        var grain = _cluster.Client.GetGrain<IMigrationGrain>(id);
        await grain.StartAsync(MigrationCluster.Spec(source, destination));
        await WaitUntilAsync(() => Task.FromResult(_cluster.S3.China.Counters.Requests("UploadPart") >= 2), TimeSpan.FromSeconds(30));

        Assert.Equal(MigrationState.Cancelled, (await grain.CancelAsync()).State);

        // Silos hear of the cancel with their next report (about a second) and abort the parts in flight; then no part
        // is stored any more. (Aborted requests are recorded too, as the server notices them: only stored parts count.)
        int StoredParts() => _cluster.S3.China.Counters.Journal(static r => r is { Operation: "UploadPart", Status: 200 }).Count;
        await Task.Delay(TimeSpan.FromSeconds(4));
        var partsAfterCancel = StoredParts();
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(partsAfterCancel, StoredParts());
        Assert.Equal(0, _cluster.S3.China.Counters.Requests("CompleteMultipartUpload"));
        await WaitUntilAsync(() => Task.FromResult(_cluster.Schedulers().All(static s => s.Scheduler.ObjectsRunning == 0)), TimeSpan.FromSeconds(10));
        var unfinished = await _cluster.DestinationClient.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = destination });
        Assert.NotEmpty(unfinished.MultipartUploads);

        // The same copy again resumes from the uploaded parts.
        _cluster.S3.China.Faults.Clear();
        var again = "resume-" + Guid.NewGuid().ToString("N")[..8];
        await _cluster.Client.GetGrain<IMigrationGrain>(again).StartAsync(MigrationCluster.Spec(source, destination));
        var status = await _cluster.WaitAsync(again, TimeSpan.FromSeconds(60));
        Assert.Equal(MigrationState.Completed, status.State);
        Assert.True(status.Counters.PartsReused > 0, "no part was reused");
        foreach (var (key, data) in objects)
        {
            Assert.Equal(data, await _cluster.GetDestinationAsync(destination, key));
        }

        // Only parts in flight at the cancel may arrive twice (their bytes were on the wire when the copy stopped).
        var inFlightAtCancel = objects.Count * _cluster.Engine.MaxThread;
        Assert.InRange(PartsSentAgain(_cluster.S3.China.Counters.Journal()), 0, inFlightAtCancel);
    }

    [Fact]
    public async Task CancelCanAbortTheUnfinishedUploads()
    {
        var (source, destination) = await _cluster.BucketsAsync();
        for (var i = 0; i < 2; i++)
        {
            await _cluster.PutSourceAsync(source, $"movie-{i}.bin", MigrationCluster.Bytes(20 * MiB, 60 + i));
        }

        _cluster.S3.China.Counters.Reset();
        _cluster.S3.China.Faults.Apply(new FaultSettings { BandwidthTotal = 6L * MiB });
        var id = "abort-" + Guid.NewGuid().ToString("N")[..8];
        var grain = _cluster.Client.GetGrain<IMigrationGrain>(id);
        await grain.StartAsync(MigrationCluster.Spec(source, destination, options: new MigrationOptions { AbortUploadsOnCancel = true }));
        await WaitUntilAsync(() => Task.FromResult(_cluster.S3.China.Counters.Requests("UploadPart") >= 2), TimeSpan.FromSeconds(30));
        await grain.CancelAsync();
        _cluster.S3.China.Faults.Clear();

        await WaitUntilAsync(async () => (await _cluster.DestinationClient.ListMultipartUploadsAsync(
            new ListMultipartUploadsRequest { BucketName = destination })).MultipartUploads.Count == 0, TimeSpan.FromSeconds(20));
        Assert.True(_cluster.S3.China.Counters.Requests("AbortMultipartUpload") >= 1);
    }

    /// <summary>Parts the destination stored more than once (same upload and part number).</summary>
    internal static int PartsSentAgain(IReadOnlyList<RequestRecord> journal) =>
        journal.Where(static r => r.Operation == "UploadPart" && r.Status == 200)
            .GroupBy(static r => (r.Key, r.UploadId, r.PartNumber)).Sum(static g => g.Count() - 1);

    /// <summary>No part number of an upload went over the wire twice.</summary>
    internal static void AssertEachPartSentOnce(IReadOnlyList<RequestRecord> journal)
    {
        var repeated = journal.Where(static r => r.Operation == "UploadPart" && r.Status == 200)
            .GroupBy(static r => (r.Key, r.UploadId, r.PartNumber)).Where(static g => g.Count() > 1).Select(static g => g.Key).ToList();
        Assert.True(repeated.Count == 0, "parts sent twice: " + string.Join(", ", repeated));
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"condition not met within {timeout}");
            }

            await Task.Delay(100);
        }
    }

    private async Task<bool> ExistsAsync(string bucket, string key)
    {
        try
        {
            await _cluster.DestinationClient.GetObjectMetadataAsync(bucket, key);
            return true;
        }
        catch (Amazon.S3.AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
