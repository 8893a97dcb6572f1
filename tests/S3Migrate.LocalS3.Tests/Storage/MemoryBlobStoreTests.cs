using Amazon.S3.Model;
using S3Migrate.LocalS3.Faults;
using S3Migrate.LocalS3.Storage;
using S3Migrate.Testing;

namespace S3Migrate.LocalS3.Tests.Storage;

/// <summary>
/// Memory storage recycles the segments of deleted blobs, and never while a reader still streams them: a recycled
/// segment read by a late GET would serve another object's bytes.
/// </summary>
public sealed class MemoryBlobStoreTests
{
    [Fact]
    public async Task DeletedSegmentsCarryTheNextWrite()
    {
        var store = new MemoryBlobStore();
        var first = await WriteAsync(store, TestData.Bytes(3 * TestData.MiB, 1));
        Assert.Equal(0, store.PooledSegments);

        first.Delete();
        Assert.Equal(3, store.PooledSegments);

        var data = TestData.Bytes(2 * TestData.MiB, 2);
        var second = await WriteAsync(store, data);
        Assert.Equal(1, store.PooledSegments);
        Assert.Equal(data, await ReadAsync(second));
    }

    [Fact]
    public async Task ALeasedBlobKeepsItsBytesUntilTheLeaseEnds()
    {
        var store = new MemoryBlobStore();
        var original = TestData.Bytes(2 * TestData.MiB + 300_000, 1);
        var blob = await WriteAsync(store, original);
        var lease = blob.TryLease();
        Assert.NotNull(lease);

        blob.Delete();
        blob.Delete();
        Assert.Equal(0, store.PooledSegments);
        await WriteAsync(store, TestData.Bytes(3 * TestData.MiB, 2));
        Assert.Equal(original, await ReadAsync(blob));

        lease.Dispose();
        lease.Dispose();
        Assert.Equal(3, store.PooledSegments);
        Assert.Null(blob.TryLease());
        await Assert.ThrowsAsync<BlobDeletedException>(() => ReadAsync(blob));
    }

    [Fact]
    public async Task AnUnfinishedWriteGivesItsSegmentsBack()
    {
        var store = new MemoryBlobStore();
        using (var writer = store.CreateWriter(3 * TestData.MiB))
        {
            await writer.WriteAsync(TestData.Bytes(2 * TestData.MiB + 1, 1), CancellationToken.None);
        }

        Assert.Equal(3, store.PooledSegments);
    }

    [Fact]
    public async Task SmallBlobsAndTheSpareBeyondTheLimitAreLeftToTheCollector()
    {
        var store = new MemoryBlobStore(retainedSegments: 2);
        (await WriteAsync(store, TestData.Bytes(4096, 1))).Delete();
        Assert.Equal(0, store.PooledSegments);

        (await WriteAsync(store, TestData.Bytes(5 * TestData.MiB, 1))).Delete();
        Assert.Equal(2, store.PooledSegments);
    }

    [Fact]
    public async Task AGetStreamingAnObjectThatIsDeletedAndOverwrittenServesTheOriginalBytes()
    {
        await using var harness = await LocalS3Harness.StartAsync();
        using var client = harness.Client(harness.Global);
        var bucket = UniqueName.For("recycle");
        await client.PutBucketAsync(bucket);
        var original = TestData.Bytes(8 * TestData.MiB, 1);
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(original) });

        // The GET is paced (the cap it started with stays with it), so most of the object is still to be read from
        // memory when it is deleted and its key and another are written again at full speed.
        harness.Global.Faults.Apply(new FaultSettings { BandwidthPerConnection = 4 * TestData.MiB });
        using var response = await client.GetObjectAsync(bucket, "k");
        var head = new byte[64 * 1024];
        await response.ResponseStream.ReadExactlyAsync(head);
        harness.Global.Faults.Apply(FaultSettings.None);

        await client.DeleteObjectAsync(bucket, "k");
        var replacement = TestData.Bytes(8 * TestData.MiB, 2);
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(replacement) });
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "other", InputStream = new MemoryStream(TestData.Bytes(8 * TestData.MiB, 3)) });

        var rest = await TestData.ReadAllAsync(response.ResponseStream);
        Assert.Equal(original, head.Concat(rest).ToArray());
        using var again = await client.GetObjectAsync(bucket, "k");
        Assert.Equal(replacement, await TestData.ReadAllAsync(again.ResponseStream));
    }

    private static async Task<Blob> WriteAsync(MemoryBlobStore store, byte[] data)
    {
        using var writer = store.CreateWriter(data.Length);
        await writer.WriteAsync(data, CancellationToken.None);
        return await writer.CompleteAsync(CancellationToken.None);
    }

    private static async Task<byte[]> ReadAsync(Blob blob)
    {
        var output = new MemoryStream();
        await blob.CopyToAsync(0, blob.Length, async (data, token) => await output.WriteAsync(data, token), CancellationToken.None);
        return output.ToArray();
    }
}
