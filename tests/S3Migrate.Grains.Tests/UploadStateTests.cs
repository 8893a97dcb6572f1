using Orleans.Runtime;
using S3Migrate.Grains.Jobs;
using S3Migrate.Transfer.Resume;

namespace S3Migrate.Grains.Tests;

/// <summary>Cluster mode keeps upload fingerprints in grain state, so a silo that resumes an object finds them.</summary>
public sealed class UploadStateTests : IAsyncLifetime
{
    private const long MiB = 1024 * 1024;
    private MigrationCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await MigrationCluster.StartAsync(silos: 2);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task FingerprintsOutliveTheirActivationAndOnlySavingWrites()
    {
        var store = new GrainUploadStateStore(_cluster.Client);
        var target = new UploadTarget("http://127.0.0.1:9001/", "bucket", "a/key with space+é");
        var other = target with { Key = "a/key with space+é2" };
        var at = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
        var first = new UploadRecord(target, "upload-1", new UploadFingerprint("etag-1", null, 100 * MiB, 16 * MiB, null, false), at);
        var second = new UploadRecord(target, "upload-2", new UploadFingerprint("etag-1", "v2", 100 * MiB, 8 * MiB, "CRC32C", true), at.AddMinutes(1));
        await store.SaveAsync(first, default);
        await store.SaveAsync(second, default);
        await store.SaveAsync(first, default);

        // Every activation goes away; what is found next is read back from storage.
        await _cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var found = await store.FindAsync(target, default);

        Assert.Equal([second, first], found);
        Assert.Empty(await store.FindAsync(other, default));

        // A removal hides the record from the running activation and writes nothing: the stored record expires (cluster
        // storage gives the state a time to live) and the resolver ignores records of uploads the destination no longer lists.
        var writes = _cluster.Store.Writes;
        await store.RemoveAsync(target, "upload-1", default);
        Assert.Equal([second], await store.FindAsync(target, default));
        await store.RemoveAsync(target, "upload-2", default);
        await store.RemoveAsync(target, "upload-2", default);
        Assert.Empty(await store.FindAsync(target, default));
        Assert.Equal(writes, _cluster.Store.Writes);
    }

    [Fact]
    public async Task AnObjectKeepsItsNewestRecordsOnly()
    {
        var store = new GrainUploadStateStore(_cluster.Client);
        var target = new UploadTarget("http://127.0.0.1:9001/", "bucket", "many");
        var at = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
        var records = Enumerable.Range(0, 12)
            .Select(i => new UploadRecord(target, $"upload-{i}", new UploadFingerprint($"etag-{i}", null, 100 * MiB, 16 * MiB, null, false), at.AddMinutes(i)))
            .ToList();
        foreach (var record in records)
        {
            await store.SaveAsync(record, default);
        }

        await _cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(records.Skip(4), await store.FindAsync(target, default));
    }
}
