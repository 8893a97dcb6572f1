using Amazon.S3.Model;
using S3Migrate.LocalS3.Faults;
using S3Migrate.LocalS3.Storage;
using S3Migrate.Transfer.Copy;
using S3Migrate.Transfer.Planning;
using S3Migrate.Transfer.Resume;

namespace S3Migrate.Transfer.Tests.Copy;

/// <summary>Interrupted copies resume without re-sending parts; faults and source changes never corrupt the result.</summary>
public sealed class ResumeAndFaultTests : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private EngineHarness _engine = null!;

    public async Task InitializeAsync() => _engine = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task ResumesFromPartsAlreadyUploadedWithoutSendingThemAgain()
    {
        var (source, destination) = await _engine.BucketsAsync();
        var data = Bytes(41 * MiB);
        await _engine.PutSourceAsync(source, "big", data);
        var state = new MemoryUploadStateStore();
        using var stop = new CancellationTokenSource();
        var progress = new CancelAfterParts(3, stop);

        var first = await _engine.Copier(EngineHarness.SmallParts(maxParts: 1), state).CopyAsync(new CopyRequest(source, "big", destination, "big"), progress, stop.Token);
        var second = await _engine.Copier(EngineHarness.SmallParts(maxParts: 4), state).CopyAsync(new CopyRequest(source, "big", destination, "big"));

        Assert.Equal(CopyOutcome.Cancelled, first.Outcome);
        Assert.True(second.Succeeded, second.Reason);
        Assert.True(second.PartsReused >= 3, $"{second.PartsReused} parts reused");
        Assert.Equal(9, second.PartsReused + second.PartsUploaded);
        Assert.Equal(data, await _engine.GetDestinationAsync(destination, "big"));
        AssertEachPartAcceptedOnce(destination, "big", 9);
        Assert.Empty((await _engine.DestinationClient.ListMultipartUploadsAsync(destination)).MultipartUploads);
    }

    [Fact]
    public async Task RejectsPartsFromAnotherSourceVersion()
    {
        var (source, destination) = await _engine.BucketsAsync();
        await _engine.PutSourceAsync(source, "big", Bytes(26 * MiB, seed: 1));
        var state = new MemoryUploadStateStore();
        using var stop = new CancellationTokenSource();
        var first = await _engine.Copier(EngineHarness.SmallParts(maxParts: 1), state)
            .CopyAsync(new CopyRequest(source, "big", destination, "big"), new CancelAfterParts(2, stop), stop.Token);
        var newer = Bytes(26 * MiB, seed: 2);
        await _engine.PutSourceAsync(source, "big", newer);

        var second = await _engine.Copier(state: state).CopyAsync(new CopyRequest(source, "big", destination, "big"));

        Assert.Equal(CopyOutcome.Cancelled, first.Outcome);
        Assert.True(second.Succeeded, second.Reason);
        Assert.Equal(0, second.PartsReused);
        Assert.Equal(newer, await _engine.GetDestinationAsync(destination, "big"));
        Assert.Contains(_engine.DestinationServer.Counters.Journal(), r => r.Operation == "AbortMultipartUpload" && r.Status == 204);
        Assert.Empty((await _engine.DestinationClient.ListMultipartUploadsAsync(destination)).MultipartUploads);
    }

    [Fact]
    public async Task SourceOverwrittenMidCopyGivesExactlyOneVersionAtTheDestination()
    {
        var (source, destination) = await _engine.BucketsAsync();
        var original = Bytes(31 * MiB, seed: 3);
        var replacement = Bytes(23 * MiB, seed: 4);
        await _engine.PutSourceAsync(source, "moving", original);
        var overwritten = 0;
        void Overwrite(RequestRecord record)
        {
            if (record is { Operation: "GetObject", Status: 206 } && Interlocked.Exchange(ref overwritten, 1) == 0)
            {
                Replace(_engine.SourceServer.Store.GetBucket(source), "moving", replacement);
            }
        }

        _engine.SourceServer.Counters.RequestCompleted += Overwrite;
        CopyResult result;
        try
        {
            result = await _engine.Copier(EngineHarness.SmallParts(maxParts: 1)).CopyAsync(new CopyRequest(source, "moving", destination, "moving"));
        }
        finally
        {
            _engine.SourceServer.Counters.RequestCompleted -= Overwrite;
        }

        Assert.True(result.Succeeded, result.Reason);
        Assert.True(result.SourceChanged);
        Assert.Equal(replacement, await _engine.GetDestinationAsync(destination, "moving"));
        Assert.Contains(_engine.SourceServer.Counters.Journal(), r => r.Operation == "GetObject" && r.Status == 412);
        Assert.Empty((await _engine.DestinationClient.ListMultipartUploadsAsync(destination)).MultipartUploads);
    }

    [Fact]
    public async Task EveryObjectIsVerifiedDespiteSlowDownsAndResetConnections()
    {
        var (source, destination) = await _engine.BucketsAsync();
        var objects = Enumerable.Range(0, 12).Select(i => ($"mixed/{i}", Bytes(i % 3 == 0 ? (11 * MiB) + i : (i * 1000) + 1, seed: i))).ToList();
        foreach (var (key, data) in objects)
        {
            await _engine.PutSourceAsync(source, key, data);
        }

        var faults = new FaultSettings
        {
            Seed = 42,
            Rules =
            [
                new FaultRule { Kind = FaultKind.SlowDown, Probability = 0.05 },
                new FaultRule { Kind = FaultKind.ResetMidResponse, Operation = "GetObject", Probability = 0.05 },
                new FaultRule { Kind = FaultKind.ResetMidRequestBody, Operation = "UploadPart", Probability = 0.05 },
                new FaultRule { Kind = FaultKind.ResetMidResponse, Operation = "PutObject", Probability = 0.05 },
            ],
        };
        _engine.SourceServer.Faults.Apply(faults);
        _engine.DestinationServer.Faults.Apply(faults with { Seed = 43 });
        var copier = _engine.Copier();

        var results = await Task.WhenAll(objects.Select(o => copier.CopyAsync(new CopyRequest(source, o.Item1, destination, o.Item1))));
        _engine.SourceServer.Faults.Clear();
        _engine.DestinationServer.Faults.Clear();

        Assert.All(results, r => Assert.True(r.Succeeded, r.Reason));
        foreach (var (key, data) in objects)
        {
            Assert.Equal(data, await _engine.GetDestinationAsync(destination, key));
        }

        var injected = _engine.SourceServer.Counters.Snapshot().Values.Sum(static s => s.Faults) + _engine.DestinationServer.Counters.Snapshot().Values.Sum(static s => s.Faults);
        Assert.True(injected > 0, "the run must actually have seen faults");
    }

    [Fact]
    public async Task InjectedBadDigestMakesThePartGoAgain()
    {
        var (source, destination) = await _engine.BucketsAsync();
        var data = Bytes(12 * MiB);
        await _engine.PutSourceAsync(source, "k", data);
        _engine.DestinationServer.Faults.Apply(new FaultSettings { Rules = [new FaultRule { Kind = FaultKind.BadDigest, Operation = "UploadPart", MaxCount = 1 }] });

        var result = await _engine.Copier(EngineHarness.SmallParts(maxParts: 1)).CopyAsync(new CopyRequest(source, "k", destination, "k"));
        _engine.DestinationServer.Faults.Clear();

        Assert.True(result.Succeeded, result.Reason);
        var uploads = _engine.DestinationServer.Counters.Journal(r => r.Operation == "UploadPart" && r.Bucket == destination);
        Assert.Equal(4, uploads.Count);
        Assert.Single(uploads, r => r.ErrorCode == "BadDigest");
        Assert.Equal(data, await _engine.GetDestinationAsync(destination, "k"));
    }

    [Fact]
    public async Task ObjectNeedingMoreThanTenThousandPartsIsPlannedWithinTheLimit()
    {
        await using var engine = await EngineHarness.StartAsync(static o => o with { MinPartSize = 1 });
        var (source, destination) = await engine.BucketsAsync();
        var data = Bytes(10_001 * 1024);
        await engine.PutSourceAsync(source, "many", data);
        var options = EngineHarness.SmallParts(maxParts: 16) with
        {
            Parts = new PartSizing { PartSize = 1024, MinimumPartSize = 1024, SmallObjectThreshold = 1024 },
        };

        var result = await engine.Copier(options).CopyAsync(new CopyRequest(source, "many", destination, "many"));

        Assert.True(result.Succeeded, result.Reason);
        Assert.InRange(result.PartsUploaded, 9_900, 10_000);
        Assert.Equal(data, await engine.GetDestinationAsync(destination, "many"));
    }

    [Fact]
    public async Task OneGibibyteObjectArrivesWithTheSourcesETag()
    {
        var directory = Directory.CreateTempSubdirectory("engine-gib-").FullName;
        try
        {
            await using var engine = await EngineHarness.StartAsync(o => o with { DataDirectory = Path.Combine(directory, o.Name) });
            var (source, destination) = await engine.BucketsAsync();
            var uploadId = (await engine.SourceClient.InitiateMultipartUploadAsync(source, "gib")).UploadId;
            var complete = new CompleteMultipartUploadRequest { BucketName = source, Key = "gib", UploadId = uploadId };
            var chunk = Bytes(64 * MiB, seed: 9);
            for (var part = 1; part <= 16; part++)
            {
                chunk[0] = (byte)part;
                complete.AddPartETags(await engine.SourceClient.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = source, Key = "gib", UploadId = uploadId, PartNumber = part, InputStream = new MemoryStream(chunk), UseChunkEncoding = false,
                }));
            }

            var sourceETag = (await engine.SourceClient.CompleteMultipartUploadAsync(complete)).ETag.Trim('"');
            var options = EngineHarness.SmallParts(maxParts: 4) with { Parts = new PartSizing() };

            var result = await engine.Copier(options).CopyAsync(new CopyRequest(source, "gib", destination, "gib"));

            Assert.True(result.Succeeded, result.Reason);
            Assert.Equal(1L << 30, result.BytesTransferred);
            Assert.Equal(sourceETag, result.DestinationETag);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private void AssertEachPartAcceptedOnce(string bucket, string key, int parts)
    {
        var accepted = _engine.DestinationServer.Counters.Journal(r => r.Operation == "UploadPart" && r.Bucket == bucket && r.Key == key && r.Status == 200);
        Assert.Equal(Enumerable.Range(1, parts), accepted.Select(static r => r.PartNumber!.Value).Order());
    }

    private static void Replace(BucketState bucket, string key, byte[] data)
    {
        var store = new MemoryBlobStore();
        var writer = store.CreateWriter(data.Length);
        writer.WriteAsync(data, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var blob = writer.CompleteAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var version = new ObjectVersion
        {
            Key = key,
            VersionId = ObjectVersion.NullVersionId,
            Sequence = long.MaxValue / 2,
            LastModified = DateTimeOffset.UtcNow,
            Size = data.Length,
            ETag = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(data)),
            Blobs = [blob],
        };
        lock (bucket.Sync)
        {
            var entry = bucket.KeysByName[key];
            bucket.RemoveVersion(entry, entry.Versions[0]);
            bucket.AddVersion(version);
        }
    }

    private static byte[] Bytes(int size, int seed = 7)
    {
        var data = new byte[size];
        new Random(seed + size).NextBytes(data);
        return data;
    }

    /// <summary>Cancels the copy once a number of parts have been uploaded, like an interruption would.</summary>
    private sealed class CancelAfterParts(int parts, CancellationTokenSource stop) : ICopyProgress
    {
        private int _uploaded;

        public void Started(long size, int partCount)
        {
        }

        public void BytesTransferred(long count)
        {
        }

        public void PartCompleted(int partNumber, long size, bool reused)
        {
            if (!reused && Interlocked.Increment(ref _uploaded) == parts)
            {
                stop.Cancel();
            }
        }
    }
}
