using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migrate.Testing;

namespace S3Migrate.LocalS3.Tests.Sdk;

public abstract partial class SdkConformanceTests
{
    [Fact]
    public async Task CreatedBucketIsListedAndHeadable()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);

        var buckets = await client.ListBucketsAsync();
        Assert.Contains(buckets.Buckets, b => b.BucketName == bucket);
        var location = await client.GetBucketLocationAsync(bucket);
        Assert.Equal(string.Empty, location.Location.Value ?? string.Empty);
        await client.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket });
    }

    [Fact]
    public async Task BucketCreatedWithLocationConstraintReportsItsRegion()
    {
        var client = Client(options: new S3ClientOptions { Region = "eu-west-1" });
        var bucket = UniqueName.For("b");

        await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket, BucketRegionName = "eu-west-1" });

        var location = await Client().GetBucketLocationAsync(bucket);
        Assert.Equal("eu-west-1", location.Location.Value);
        await PutBytesAsync(client, bucket, "k", [1, 2, 3]);
    }

    [Fact]
    public async Task RequestSignedForAnotherRegionThanTheBucketsIsRejected()
    {
        var bucket = await NewBucketAsync();
        var wrongRegion = Client(options: new S3ClientOptions { Region = "eu-central-1" });

        var error = await AssertS3ErrorAsync("AuthorizationHeaderMalformed", HttpStatusCode.BadRequest,
            () => wrongRegion.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
        Assert.Contains("us-east-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletingNonEmptyBucketFailsAndEmptyBucketSucceeds()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        await PutBytesAsync(client, bucket, "k", [1]);

        await AssertS3ErrorAsync("BucketNotEmpty", HttpStatusCode.Conflict, () => client.DeleteBucketAsync(bucket));
        await client.DeleteObjectAsync(bucket, "k");
        await client.DeleteBucketAsync(bucket);

        await AssertS3ErrorAsync(string.Empty, HttpStatusCode.NotFound,
            () => client.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket }));
        await AssertS3ErrorAsync("NoSuchBucket", HttpStatusCode.NotFound, () => client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
    }

    [Fact]
    public async Task InvalidBucketNameIsRejected() =>
        await AssertS3ErrorAsync("InvalidBucketName", HttpStatusCode.BadRequest, () => Client().PutBucketAsync("Not_A_Valid_Bucket"));

    [Fact]
    public async Task CreatingAnOwnedBucketOutsideUsEast1Conflicts()
    {
        var client = Client(Harness.China);
        var bucket = await NewBucketAsync(client);

        await AssertS3ErrorAsync("BucketAlreadyOwnedByYou", HttpStatusCode.Conflict, () => client.PutBucketAsync(bucket));
    }

    [Fact]
    public async Task EachEndpointAcceptsOnlyItsOwnKeys()
    {
        var chinaKeysOnGlobal = Client(Global, new S3ClientOptions
        {
            AccessKeyId = LocalS3Harness.ChinaAccessKeyId,
            SecretAccessKey = LocalS3Harness.ChinaSecretAccessKey,
        });
        await AssertS3ErrorAsync("InvalidAccessKeyId", HttpStatusCode.Forbidden, () => chinaKeysOnGlobal.ListBucketsAsync());

        var wrongSecret = Client(Global, new S3ClientOptions { SecretAccessKey = "not-the-secret" });
        await AssertS3ErrorAsync("SignatureDoesNotMatch", HttpStatusCode.Forbidden, () => wrongSecret.ListBucketsAsync());

        var chinaBuckets = await Client(Harness.China).ListBucketsAsync();
        Assert.NotNull(chinaBuckets.Buckets);
    }

    [Fact]
    public async Task ReadOnlyKeyCanReadButNotWrite()
    {
        var bucket = await NewBucketAsync();
        await PutBytesAsync(Client(), bucket, "k", [7]);
        var readOnly = Client(options: new S3ClientOptions { AccessKeyId = LocalS3Harness.GlobalAccessKeyId + LocalS3Harness.ReadOnlySuffix });

        Assert.Equal(new byte[] { 7 }, await GetBytesAsync(readOnly, bucket, "k"));
        await AssertS3ErrorAsync("AccessDenied", HttpStatusCode.Forbidden, () => PutBytesAsync(readOnly, bucket, "k2", [1]));
        await AssertS3ErrorAsync("AccessDenied", HttpStatusCode.Forbidden, () => readOnly.DeleteObjectAsync(bucket, "k"));
    }

    [Fact]
    public async Task RequesterPaysBucketRefusesRequestsThatDoNotAcceptTheCharge()
    {
        var client = Client();
        var bucket = await NewBucketAsync(client);
        await PutBytesAsync(client, bucket, "k", [1, 2]);
        await client.PutBucketRequestPaymentAsync(new PutBucketRequestPaymentRequest
        {
            BucketName = bucket,
            RequestPaymentConfiguration = new RequestPaymentConfiguration { Payer = "Requester" },
        });

        await AssertS3ErrorAsync("AccessDenied", HttpStatusCode.Forbidden, () => client.GetObjectAsync(bucket, "k"));
        using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", RequestPayer = RequestPayer.Requester });
        Assert.Equal(RequestCharged.Requester, response.RequestCharged);
    }
}
