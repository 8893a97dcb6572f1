using System.Text.Json;
using S3Migrate.Testing;

namespace S3Migrate.LocalS3.Tests.Clients;

/// <summary>The AWS CLI (Debian's awscli, botocore), a client we did not write, works against LocalS3.</summary>
public sealed class AwsCliTests(LocalS3Fixture fixture) : IClassFixture<LocalS3Fixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("awscli-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task CopiesMultipartAndReadsRangesBack()
    {
        var bucket = await NewBucketAsync();
        var data = TestData.Bytes(20 * TestData.MiB + 3);
        var file = Path.Combine(_work, "upload.bin");
        await File.WriteAllBytesAsync(file, data);

        await AwsAsync("s3", "cp", "--only-show-errors", file, $"s3://{bucket}/dir/upload.bin", "--expires", "2094-12-01T16:00:00Z", "--content-type", "application/x-cli");
        var range = Path.Combine(_work, "range.bin");
        var get = await AwsAsync("s3api", "get-object", "--bucket", bucket, "--key", "dir/upload.bin", "--range", "bytes=1000-1999", range);
        var download = Path.Combine(_work, "download.bin");
        await AwsAsync("s3", "cp", "--only-show-errors", $"s3://{bucket}/dir/upload.bin", download);

        Assert.Equal(data[1000..2000], await File.ReadAllBytesAsync(range));
        using var metadata = JsonDocument.Parse(get.StandardOutput);
        Assert.Equal("bytes 1000-1999/" + data.Length, metadata.RootElement.GetProperty("ContentRange").GetString());
        Assert.Equal("application/x-cli", metadata.RootElement.GetProperty("ContentType").GetString());
        Assert.Contains("2094", metadata.RootElement.GetProperty("Expires").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("-3\"", metadata.RootElement.GetProperty("ETag").GetString(), StringComparison.Ordinal);
        Assert.Equal(data, await File.ReadAllBytesAsync(download));
    }

    [Fact]
    public async Task ListsPartsAndUploadsAndCopiesObjects()
    {
        var bucket = await NewBucketAsync();
        var created = await AwsAsync("s3api", "create-multipart-upload", "--bucket", bucket, "--key", "pending key");
        var uploadId = JsonDocument.Parse(created.StandardOutput).RootElement.GetProperty("UploadId").GetString()!;
        var part = Path.Combine(_work, "part.bin");
        await File.WriteAllBytesAsync(part, TestData.Bytes(1000));
        await AwsAsync("s3api", "upload-part", "--bucket", bucket, "--key", "pending key", "--upload-id", uploadId, "--part-number", "3", "--body", part);

        var parts = JsonDocument.Parse((await AwsAsync("s3api", "list-parts", "--bucket", bucket, "--key", "pending key", "--upload-id", uploadId)).StandardOutput);
        var listedPart = Assert.Single(parts.RootElement.GetProperty("Parts").EnumerateArray());
        Assert.Equal(3, listedPart.GetProperty("PartNumber").GetInt32());
        Assert.Equal(1000, listedPart.GetProperty("Size").GetInt64());

        var uploads = JsonDocument.Parse((await AwsAsync("s3api", "list-multipart-uploads", "--bucket", bucket)).StandardOutput);
        var upload = Assert.Single(uploads.RootElement.GetProperty("Uploads").EnumerateArray());
        Assert.Equal("pending key", upload.GetProperty("Key").GetString());
        Assert.Equal(uploadId, upload.GetProperty("UploadId").GetString());

        await AwsAsync("s3api", "put-object", "--bucket", bucket, "--key", "original", "--body", part);
        await AwsAsync("s3api", "copy-object", "--bucket", bucket, "--key", "copied", "--copy-source", $"{bucket}/original");
        var head = JsonDocument.Parse((await AwsAsync("s3api", "head-object", "--bucket", bucket, "--key", "copied")).StandardOutput);
        Assert.Equal(TestData.Md5Hex(TestData.Bytes(1000)), head.RootElement.GetProperty("ETag").GetString()!.Trim('"'));
    }

    private async Task<string> NewBucketAsync()
    {
        var bucket = UniqueName.For("cli");
        await AwsAsync("s3api", "create-bucket", "--bucket", bucket);
        return bucket;
    }

    private async Task<ProcessResult> AwsAsync(params string[] arguments)
    {
        var endpoint = fixture.Harness.Global;
        var result = await ExternalProcess.RunAsync(
            ExternalProcess.RequireProgram("/usr/bin/aws", "awscli"),
            ["--endpoint-url", endpoint.ServiceUrl.AbsoluteUri, "--no-cli-pager", "--output", "json", .. arguments],
            new Dictionary<string, string?>
            {
                ["AWS_ACCESS_KEY_ID"] = LocalS3Harness.GlobalAccessKeyId,
                ["AWS_SECRET_ACCESS_KEY"] = LocalS3Harness.GlobalSecretAccessKey,
                ["AWS_DEFAULT_REGION"] = LocalS3Harness.GlobalRegion,
                ["AWS_CONFIG_FILE"] = "/dev/null",
                ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
                ["AWS_EC2_METADATA_DISABLED"] = "true",
                ["AWS_CA_BUNDLE"] = null,
                ["AWS_PAGER"] = string.Empty,
            });
        Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', arguments)}: {result}");
        return result;
    }
}
