using S3Migrate.Grains.Options;
using S3Migrate.Grains.Scheduling;

namespace S3Migrate.Grains.Tests;

/// <summary>The silo's intake gate: free slots count objects running, waiting, and announced but not yet arrived.</summary>
public sealed class TransferSchedulerTests
{
    [Fact]
    public async Task AnnouncedObjectsHoldSlotsUntilTheyAskForThem()
    {
        using var scheduler = new TransferScheduler(new MigrationEngineOptions { MaxParallelFile = 8 });
        Assert.Equal(8, scheduler.FreeObjectSlots);

        // A received group of four is on its way: intake must not take more for the same slots.
        scheduler.Expect(4);
        Assert.Equal((4, 4, true), (scheduler.FreeObjectSlots, scheduler.ObjectsExpected, scheduler.HasRoom));
        scheduler.Expect(4);
        Assert.Equal((0, false), (scheduler.FreeObjectSlots, scheduler.HasRoom));

        // Each object that asks for a slot settles one announcement; a slot given back is free again.
        var leases = new List<IDisposable>();
        for (var i = 0; i < 8; i++)
        {
            leases.Add(await scheduler.AcquireObjectAsync(CancellationToken.None));
        }

        Assert.Equal((0, 0, 8), (scheduler.ObjectsExpected, scheduler.FreeObjectSlots, scheduler.ObjectsRunning));
        leases[0].Dispose();
        Assert.Equal((1, true), (scheduler.FreeObjectSlots, scheduler.HasRoom));

        // A slot asked for without an announcement leaves the count at zero.
        leases.Add(await scheduler.AcquireObjectAsync(CancellationToken.None));
        Assert.Equal((0, 0), (scheduler.ObjectsExpected, scheduler.FreeObjectSlots));
        leases.ForEach(static l => l.Dispose());
        Assert.Equal(8, scheduler.FreeObjectSlots);
    }
}
