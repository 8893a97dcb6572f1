using Amazon.S3.Model;
using S3Migrate.Transfer.Copy;
using S3Migrate.Transfer.Resume;

namespace S3Migrate.Transfer.Tests.Copy;

/// <summary>
/// When an upload's resume record is written, and how records of uploads that are gone are treated: they cost neither
/// a request nor a write, so a store may leave them to expire.
/// </summary>
public sealed class UploadRecordTests : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private EngineHarness _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task AnUploadDoneInOneWindowOfPartsWritesNoRecord()
    {
        var (source, destination) = await _engine.BucketsAsync();
        var data = Bytes(18 * MiB, seed: 1);
        await _engine.PutSourceAsync(source, "short", data);
        var state = new CountingStore(_engine, forgets: true);

        var result = await _engine.Copier(EngineHarness.SmallParts(maxParts: 4), state).CopyAsync(new CopyRequest(source, "short", destination, "short"));

        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal(4, result.PartsUploaded);
        Assert.Empty(state.SavedAtPart);
        Assert.Equal(data, await _engine.GetDestinationAsync(destination, "short"));
    }

    [Fact]
    public async Task AnUploadOfSeveralWindowsIsRecordedBeforeItsFirstPart()
    {
        var (source, destination) = await _engine.BucketsAsync();
        var data = Bytes(26 * MiB, seed: 2);
        await _engine.PutSourceAsync(source, "long", data);
        var state = new CountingStore(_engine, forgets: true);

        var result = await _engine.Copier(EngineHarness.SmallParts(maxParts: 2), state).CopyAsync(new CopyRequest(source, "long", destination, "long"));

        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal([0L], state.SavedAtPart);
        Assert.Empty(await state.FindAsync(new UploadTarget(state.LastTarget!.Service, destination, "long"), default));
        Assert.Equal(data, await _engine.GetDestinationAsync(destination, "long"));
    }

    [Fact]
    public async Task ARecordLeftBehindByAFinishedUploadCostsNoRequest()
    {
        var (source, destination) = await _engine.BucketsAsync();
        var first = Bytes(26 * MiB, seed: 3);
        await _engine.PutSourceAsync(source, "again", first);
        var state = new CountingStore(_engine, forgets: false);
        var copy = new CopyRequest(source, "again", destination, "again");
        Assert.True((await _engine.Copier(EngineHarness.SmallParts(maxParts: 2), state).CopyAsync(copy)).Succeeded);
        var target = new UploadTarget(state.LastTarget!.Service, destination, "again");
        Assert.Single(await state.FindAsync(target, default));

        // The same source version copied again, then a newer one: the record's upload is gone, so it is neither resumed
        // (no ListParts of it, no warning about a vanished upload) nor aborted.
        var before = _engine.DestinationServer.Counters.Journal().Count;
        var repeat = await _engine.Copier(EngineHarness.SmallParts(maxParts: 2), state).CopyAsync(copy);
        var newer = Bytes(27 * MiB, seed: 4);
        await _engine.PutSourceAsync(source, "again", newer);
        var changed = await _engine.Copier(EngineHarness.SmallParts(maxParts: 2), state).CopyAsync(copy);

        Assert.True(repeat.Succeeded, repeat.Reason);
        Assert.True(changed.Succeeded, changed.Reason);
        Assert.Equal(0, repeat.PartsReused + changed.PartsReused);
        var requests = _engine.DestinationServer.Counters.Journal().Skip(before).ToList();
        Assert.DoesNotContain(requests, r => r.Operation is "AbortMultipartUpload" or "ListParts" && r.Status != 200);
        Assert.DoesNotContain(requests, r => r.Operation == "AbortMultipartUpload");
        Assert.Equal(newer, await _engine.GetDestinationAsync(destination, "again"));
    }

    [Fact]
    public async Task EveryUnrecordedUploadOfTheKeyIsAbortedAcrossListingPages()
    {
        var (source, destination) = await _engine.BucketsAsync();
        var data = Bytes(11 * MiB, seed: 5);
        await _engine.PutSourceAsync(source, "k", data);
        for (var i = 0; i < 1001; i++)
        {
            await _engine.DestinationClient.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = destination, Key = "k" });
        }

        var sibling = await _engine.DestinationClient.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = destination, Key = "k2" });

        var result = await _engine.Copier(EngineHarness.SmallParts(maxParts: 4), new MemoryUploadStateStore()).CopyAsync(new CopyRequest(source, "k", destination, "k"));

        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal(data, await _engine.GetDestinationAsync(destination, "k"));
        Assert.Equal(1001, _engine.DestinationServer.Counters.Journal(r => r is { Operation: "AbortMultipartUpload", Status: 204 }).Count);
        var left = await _engine.DestinationClient.ListMultipartUploadsAsync(destination);
        Assert.Equal([sibling.UploadId], left.MultipartUploads.Select(static u => u.UploadId));
    }

    private static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>A memory store that notes how many parts the destination had accepted at each save; it may keep removed records, as grain storage does.</summary>
    private sealed class CountingStore(EngineHarness engine, bool forgets) : IUploadStateStore
    {
        private readonly MemoryUploadStateStore _inner = new();

        public List<long> SavedAtPart { get; } = [];

        public UploadTarget? LastTarget { get; private set; }

        public Task<IReadOnlyList<UploadRecord>> FindAsync(UploadTarget target, CancellationToken cancellationToken) => _inner.FindAsync(target, cancellationToken);

        public Task SaveAsync(UploadRecord record, CancellationToken cancellationToken)
        {
            lock (SavedAtPart)
            {
                SavedAtPart.Add(engine.DestinationServer.Counters.Journal(r => r.Operation == "UploadPart" && r.Key == record.Target.Key).Count);
                LastTarget = record.Target;
            }

            return _inner.SaveAsync(record, cancellationToken);
        }

        public Task RemoveAsync(UploadTarget target, string uploadId, CancellationToken cancellationToken) =>
            forgets ? _inner.RemoveAsync(target, uploadId, cancellationToken) : Task.CompletedTask;
    }
}
