using Amazon.S3;
using Amazon.S3.Model;
using S3Migrate.Testing;

namespace S3Migrate.LocalS3.Tests.Storage;

/// <summary>With a data directory, buckets, versions and unfinished uploads survive a restart of LocalS3.</summary>
public sealed class PersistenceTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("locals3-data-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task ObjectsVersionsAndUnfinishedUploadsSurviveRestart()
    {
        var single = TestData.Bytes(300_000, 1);
        var parts = new[] { TestData.Bytes(5 * TestData.MiB, 2), TestData.Bytes(1234, 3) };
        string bucket, versionOne, uploadId, partETag;
        await using (var first = await StartAsync())
        {
            using var client = first.Client(first.Global);
            bucket = UniqueName.For("disk");
            await client.PutBucketAsync(bucket);
            await client.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = bucket,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            });
            versionOne = (await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(single) })).VersionId;
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "second" });

            var multipart = (await client.InitiateMultipartUploadAsync(bucket, "mp")).UploadId;
            var responses = new List<UploadPartResponse>();
            for (var i = 0; i < parts.Length; i++)
            {
                responses.Add(await client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket, Key = "mp", UploadId = multipart, PartNumber = i + 1, InputStream = new MemoryStream(parts[i]),
                }));
            }

            var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = "mp", UploadId = multipart };
            complete.AddPartETags(responses);
            await client.CompleteMultipartUploadAsync(complete);

            uploadId = (await client.InitiateMultipartUploadAsync(bucket, "unfinished")).UploadId;
            partETag = (await client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = "unfinished", UploadId = uploadId, PartNumber = 7, InputStream = new MemoryStream(parts[1]),
            })).ETag;
        }

        var orphan = Path.Combine(_directory, LocalS3Harness.GlobalName, "blobs", "orphan");
        await File.WriteAllTextAsync(orphan, "left behind by a crash");

        await using var second = await StartAsync();
        using var again = second.Client(second.Global);
        Assert.Equal("second"u8.ToArray(), await GetAsync(again, bucket, "k", null));
        Assert.Equal(single, await GetAsync(again, bucket, "k", versionOne));
        Assert.Equal(parts.SelectMany(static p => p).ToArray(), await GetAsync(again, bucket, "mp", null));
        var listedParts = await again.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "unfinished", UploadId = uploadId });
        var part = Assert.Single(listedParts.Parts);
        Assert.Equal(7, part.PartNumber);
        Assert.Equal(partETag, part.ETag);
        Assert.Equal(VersionStatus.Enabled, (await again.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
        Assert.False(File.Exists(orphan));

        var newVersion = await again.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "third" });
        var versions = await again.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = "k" });
        Assert.Equal(newVersion.VersionId, versions.Versions[0].VersionId);
        Assert.Equal(3, versions.Versions.Count);
    }

    private Task<LocalS3Harness> StartAsync() =>
        LocalS3Harness.StartAsync(o => o with { DataDirectory = Path.Combine(_directory, o.Name) });

    private static async Task<byte[]> GetAsync(AmazonS3Client client, string bucket, string key, string? versionId)
    {
        using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId });
        return await TestData.ReadAllAsync(response.ResponseStream);
    }
}
