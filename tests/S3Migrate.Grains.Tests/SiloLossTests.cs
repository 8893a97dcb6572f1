using S3Migrate.Abstractions;
using S3Migrate.LocalS3.Faults;
using Xunit.Abstractions;

namespace S3Migrate.Grains.Tests;

/// <summary>A silo dies while it copies: every object still arrives, and no part goes twice beyond those in flight.</summary>
public sealed class SiloLossTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int MiB = MigrationCluster.MiB;
    private MigrationCluster _cluster = null!;

    // One large object per message: nine messages spread over the silos. In groups of four, the three messages could
    // all go to the primary silo (which holds the test membership table and is never killed), leaving no victim.
    public async Task InitializeAsync() => _cluster = await MigrationCluster.StartAsync(silos: 3, engine: static e => e with { LargeObjectsPerMessage = 1 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task KillingASiloMidTransferStillCompletesEveryObject()
    {
        var (source, destination) = await _cluster.BucketsAsync();
        var objects = Enumerable.Range(0, 9).ToDictionary(i => $"video/{i:D2}.mp4", i => MigrationCluster.Bytes(20 * MiB, 300 + i));
        foreach (var (key, data) in objects)
        {
            await _cluster.PutSourceAsync(source, key, data);
        }

        for (var i = 0; i < 60; i++)
        {
            objects[$"small/{i:D2}.txt"] = MigrationCluster.Bytes(10_000 + i, 400 + i);
            await _cluster.PutSourceAsync(source, $"small/{i:D2}.txt", objects[$"small/{i:D2}.txt"]);
        }

        _cluster.S3.China.Counters.Reset();
        _cluster.S3.China.Faults.Apply(new FaultSettings { BandwidthTotal = 24L * MiB });
        var id = "kill-" + Guid.NewGuid().ToString("N")[..8];
        await _cluster.Client.GetGrain<IMigrationGrain>(id).StartAsync(MigrationCluster.Spec(source, destination));

        // Wait until a secondary silo (the primary holds the test membership table) is copying large objects.
        var primary = _cluster.Cluster.Silos[0].SiloAddress;
        (global::Orleans.TestingHost.InProcessSiloHandle Silo, Scheduling.TransferScheduler Scheduler) victim = default;
        await MigrationTests.WaitUntilAsync(() =>
        {
            victim = _cluster.Schedulers().FirstOrDefault(s => !s.Silo.SiloAddress.Equals(primary) && s.Scheduler.InFlight.Any(static o => o.BytesDone > 0));
            return Task.FromResult(victim.Silo is not null);
        }, TimeSpan.FromSeconds(60));
        var silo = victim.Silo!;
        var inFlight = victim.Scheduler!.InFlight.Count();
        var partsBefore = _cluster.S3.China.Counters.Requests("UploadPart");
        await _cluster.Cluster.KillSiloAsync(silo);
        output.WriteLine($"killed {silo.SiloAddress} with {inFlight} large objects in flight after {partsBefore} parts");
        _cluster.S3.China.Faults.Apply(new FaultSettings { BandwidthTotal = 64L * MiB });

        var status = await _cluster.WaitAsync(id, TimeSpan.FromSeconds(150));
        _cluster.S3.China.Faults.Clear();
        output.WriteLine($"{status.State}: {status.Counters}, round {status.Round}");

        Assert.Equal(MigrationState.Completed, status.State);
        foreach (var (key, data) in objects)
        {
            Assert.Equal(data, await _cluster.GetDestinationAsync(destination, key));
        }

        // Parts that reached the destination twice: at most those the dead silo had in flight (objects × parts each).
        var sent = _cluster.S3.China.Counters.Journal(static r => r.Operation == "UploadPart" && r.Status == 200)
            .GroupBy(static r => (r.Key, r.PartNumber)).Sum(static g => g.Count() - 1);
        output.WriteLine($"parts sent again: {sent} (bound {_cluster.Engine.MaxParallelFile * _cluster.Engine.MaxThread})");
        Assert.True(sent <= _cluster.Engine.MaxParallelFile * _cluster.Engine.MaxThread, $"{sent} parts were sent again");
    }
}
