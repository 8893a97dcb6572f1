using Amazon.S3.Model;
using S3Migrate.Testing;

namespace S3Migrate.LocalS3.Tests.Clients;

/// <summary>rclone, a client we did not write, copies, checks, lists and cleans up multipart uploads through LocalS3.</summary>
public sealed class RcloneTests(LocalS3Fixture fixture) : IClassFixture<LocalS3Fixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("rclone-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task CopiesMultipartWithFiveMebibyteChunksAndChecksClean()
    {
        var bucket = await NewBucketAsync();
        var source = Directory.CreateDirectory(Path.Combine(_work, "src")).FullName;
        var large = TestData.Bytes(12 * TestData.MiB + 7);
        await File.WriteAllBytesAsync(Path.Combine(source, "large.bin"), large);
        await File.WriteAllTextAsync(Path.Combine(source, "small file.txt"), "hello from rclone");
        Directory.CreateDirectory(Path.Combine(source, "nested", "deeper"));
        await File.WriteAllTextAsync(Path.Combine(source, "nested", "deeper", "ü+%.txt"), "unicode");

        await RcloneAsync("copy", source, $"s3:{bucket}/copied", "--s3-chunk-size", "5M", "--s3-upload-cutoff", "5M");
        var check = await RcloneAsync("check", source, $"s3:{bucket}/copied");

        Assert.Contains("0 differences found", check.StandardError, StringComparison.Ordinal);
        using var client = fixture.Harness.Client(fixture.Harness.Global);
        var head = await client.GetObjectMetadataAsync(bucket, "copied/large.bin");
        Assert.EndsWith("-3\"", head.ETag, StringComparison.Ordinal);
        using var response = await client.GetObjectAsync(bucket, "copied/large.bin");
        Assert.Equal(large, await TestData.ReadAllAsync(response.ResponseStream));
        Assert.Equal(3, fixture.Harness.Global.Counters.Journal(r => r.Bucket == bucket && r.Operation == "UploadPart").Count);

        var back = Path.Combine(_work, "back");
        await RcloneAsync("copy", $"s3:{bucket}/copied", back);
        Assert.Equal("unicode", await File.ReadAllTextAsync(Path.Combine(back, "nested", "deeper", "ü+%.txt")));
    }

    [Fact]
    public async Task ListsAndCleansUpUnfinishedMultipartUploads()
    {
        var bucket = await NewBucketAsync();
        using var client = fixture.Harness.Client(fixture.Harness.Global);
        var uploadId = (await client.InitiateMultipartUploadAsync(bucket, "abandoned/object")).UploadId;
        await client.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "abandoned/object", UploadId = uploadId, PartNumber = 1, InputStream = new MemoryStream([1, 2, 3]) });

        var listed = await RcloneAsync("backend", "list-multipart-uploads", $"s3:{bucket}");
        Assert.Contains(uploadId, listed.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("abandoned/object", listed.StandardOutput, StringComparison.Ordinal);

        await RcloneAsync("backend", "cleanup", $"s3:{bucket}", "-o", "max-age=0s");

        Assert.Empty((await client.ListMultipartUploadsAsync(bucket)).MultipartUploads);
    }

    private async Task<string> NewBucketAsync()
    {
        var bucket = UniqueName.For("rclone");
        using var client = fixture.Harness.Client(fixture.Harness.Global);
        await client.PutBucketAsync(bucket);
        return bucket;
    }

    private async Task<ProcessResult> RcloneAsync(params string[] arguments)
    {
        var endpoint = fixture.Harness.Global;
        var result = await ExternalProcess.RunAsync(ExternalProcess.RequireProgram("/usr/bin/rclone", "rclone"), arguments, new Dictionary<string, string?>
        {
            // rclone 1.60 refuses to start while AWS_CA_BUNDLE is set.
            ["AWS_CA_BUNDLE"] = null,
            ["RCLONE_CONFIG"] = "/dev/null",
            ["RCLONE_CONFIG_S3_TYPE"] = "s3",
            ["RCLONE_CONFIG_S3_PROVIDER"] = "Other",
            ["RCLONE_CONFIG_S3_ENDPOINT"] = endpoint.ServiceUrl.AbsoluteUri,
            ["RCLONE_CONFIG_S3_ACCESS_KEY_ID"] = LocalS3Harness.GlobalAccessKeyId,
            ["RCLONE_CONFIG_S3_SECRET_ACCESS_KEY"] = LocalS3Harness.GlobalSecretAccessKey,
            ["RCLONE_CONFIG_S3_REGION"] = LocalS3Harness.GlobalRegion,
            ["RCLONE_CONFIG_S3_FORCE_PATH_STYLE"] = "true",
        });
        Assert.True(result.ExitCode == 0, $"rclone {string.Join(' ', arguments)}: {result}");
        return result;
    }
}
