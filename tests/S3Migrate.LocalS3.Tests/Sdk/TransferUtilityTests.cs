using Amazon.S3.Transfer;
using S3Migrate.Testing;

namespace S3Migrate.LocalS3.Tests.Sdk;

/// <summary>The SDK's TransferUtility uploads (multipart) and downloads through LocalS3 with both checksum settings.</summary>
public sealed class TransferUtilityTests(LocalS3Fixture fixture) : IClassFixture<LocalS3Fixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UploadsInPartsAndDownloadsTheSameBytes(bool whenRequired)
    {
        using var client = fixture.Harness.Client(fixture.Harness.Global, new S3ClientOptions { WhenRequiredChecksums = whenRequired });
        var bucket = UniqueName.For("tu");
        await client.PutBucketAsync(bucket);
        var data = TestData.Bytes(40 * TestData.MiB + 123);
        using var transfer = new TransferUtility(client);

        await transfer.UploadAsync(new TransferUtilityUploadRequest
        {
            BucketName = bucket,
            Key = "large.bin",
            InputStream = new MemoryStream(data),
            PartSize = 8 * TestData.MiB,
        });

        var head = await client.GetObjectMetadataAsync(bucket, "large.bin");
        Assert.EndsWith("-6\"", head.ETag, StringComparison.Ordinal);
        var target = Path.Combine(Path.GetTempPath(), UniqueName.For("download"));
        try
        {
            await transfer.DownloadAsync(new TransferUtilityDownloadRequest { BucketName = bucket, Key = "large.bin", FilePath = target });
            Assert.Equal(data, await File.ReadAllBytesAsync(target));
        }
        finally
        {
            File.Delete(target);
        }

        Assert.Equal(6, fixture.Harness.Global.Counters.Journal(r => r.Bucket == bucket && r.Operation == "UploadPart").Count);
    }
}
