using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migrate.Testing;

namespace S3Migrate.LocalS3.Tests.Sdk;

public abstract partial class SdkConformanceTests
{
    [Fact]
    public async Task PresignedUrlsWorkUntilTamperedWith()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        await PutBytesAsync(client, bucket, "shared file.txt", "presigned"u8.ToArray());
        var url = await client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket,
            Key = "shared file.txt",
            Verb = HttpVerb.GET,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Protocol = Amazon.S3.Protocol.HTTP,
        });
        var putUrl = await client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket,
            Key = "uploaded",
            Verb = HttpVerb.PUT,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Protocol = Amazon.S3.Protocol.HTTP,
        });
        using var http = new HttpClient();

        Assert.Equal("presigned", await http.GetStringAsync(new Uri(url)));
        using var put = await http.PutAsync(new Uri(putUrl), new ByteArrayContent("via presigned put"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("via presigned put"u8.ToArray(), await GetBytesAsync(client, bucket, "uploaded"));

        using var tampered = await http.GetAsync(new Uri(url.Replace("shared%20file.txt", "other.txt", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", await tampered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnonymousRequestsAreDenied()
    {
        var bucket = await NewBucketAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(Global.ServiceUrl, $"/{bucket}?list-type=2"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("<Code>AccessDenied</Code>", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VirtualHostedStyleAddressesTheBucketByHostName()
    {
        var pathStyle = Client();
        var bucket = await NewBucketAsync(pathStyle);
        var virtualHosted = Client(options: new S3ClientOptions { VirtualHosted = true });

        await PutBytesAsync(virtualHosted, bucket, "dir/vh", [4, 5, 6]);

        Assert.Equal(new byte[] { 4, 5, 6 }, await GetBytesAsync(pathStyle, bucket, "dir/vh"));
        var listed = await virtualHosted.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal("dir/vh", Assert.Single(listed.S3Objects).Key);
        Assert.Contains(Global.Counters.Journal(), r => r.Bucket == bucket && r.Operation == "PutObject" && r.Key == "dir/vh");
    }
}
