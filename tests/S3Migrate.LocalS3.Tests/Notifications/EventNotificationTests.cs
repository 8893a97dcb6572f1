using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using S3Migrate.Testing;

namespace S3Migrate.LocalS3.Tests.Notifications;

/// <summary>Bucket notifications reach an SQS queue (fauxqs) in S3's own JSON, filtered as configured.</summary>
[Collection(StandInsCollection.Name)]
public sealed class EventNotificationTests(StandInsFixture standIns) : IAsyncLifetime
{
    private LocalS3Harness _harness = null!;
    private AmazonSQSClient _sqs = null!;
    private AmazonS3Client _s3 = null!;

    public async Task InitializeAsync()
    {
        _harness = await LocalS3Harness.StartAsync(o => o with { SqsServiceUrl = standIns.StandIns.SqsServiceUrl.AbsoluteUri });
        _sqs = standIns.StandIns.CreateSqsClient();
        _s3 = _harness.Client(_harness.Global);
    }

    public async Task DisposeAsync()
    {
        _s3.Dispose();
        _sqs.Dispose();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task CreatedAndRemovedObjectsAreNotifiedWithS3Records()
    {
        var (bucket, queueUrl, queueArn) = await BucketAndQueueAsync();
        await _s3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = bucket,
            QueueConfigurations =
            [
                new QueueConfiguration
                {
                    Id = "photos",
                    Queue = queueArn,
                    Events = [EventType.ObjectCreatedAll, EventType.ObjectRemovedAll],
                    Filter = new Filter { S3KeyFilter = new S3KeyFilter { FilterRules = [new FilterRule("prefix", "photos/"), new FilterRule("suffix", ".jpg")] } },
                },
            ],
        });
        var testEvent = Assert.Single(await ReceiveAsync(queueUrl, 1));
        Assert.Equal("s3:TestEvent", testEvent.RootElement.GetProperty("Event").GetString());

        var put = await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "photos/red flower+1.jpg", ContentBody = "petals" });
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "other/skipped.jpg", ContentBody = "no" });
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "photos/skipped.png", ContentBody = "no" });
        await _s3.DeleteObjectAsync(bucket, "photos/red flower+1.jpg");
        await _harness.Global.Events.FlushAsync(TimeSpan.FromSeconds(10));

        var records = (await ReceiveAsync(queueUrl, 2)).Select(static d => d.RootElement.GetProperty("Records")[0]).ToList();
        var created = records.Single(static r => r.GetProperty("eventName").GetString() == "ObjectCreated:Put");
        var removed = records.Single(static r => r.GetProperty("eventName").GetString() == "ObjectRemoved:Delete");
        Assert.Equal("2.1", created.GetProperty("eventVersion").GetString());
        Assert.Equal("aws:s3", created.GetProperty("eventSource").GetString());
        Assert.Equal("photos", created.GetProperty("s3").GetProperty("configurationId").GetString());
        Assert.Equal(bucket, created.GetProperty("s3").GetProperty("bucket").GetProperty("name").GetString());
        var createdObject = created.GetProperty("s3").GetProperty("object");
        Assert.Equal("photos/red+flower%2B1.jpg", createdObject.GetProperty("key").GetString());
        Assert.Equal(6, createdObject.GetProperty("size").GetInt64());
        Assert.Equal(TestData.Unquote(put.ETag), createdObject.GetProperty("eTag").GetString());
        var createdSequencer = createdObject.GetProperty("sequencer").GetString()!;
        var removedSequencer = removed.GetProperty("s3").GetProperty("object").GetProperty("sequencer").GetString()!;
        Assert.True(string.CompareOrdinal(removedSequencer, createdSequencer) > 0, "a later event on the same key has a greater sequencer");
        Assert.Equal(0, _harness.Global.Events.Failed);
    }

    [Fact]
    public async Task MultipartCompletionAndVersionedDeletesUseTheirEventNames()
    {
        var (bucket, queueUrl, queueArn) = await BucketAndQueueAsync();
        await _s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        await _s3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = bucket,
            QueueConfigurations = [new QueueConfiguration { Queue = queueArn, Events = [EventType.ObjectCreatedCompleteMultipartUpload, EventType.ObjectRemovedDeleteMarkerCreated] }],
        });
        await ReceiveAsync(queueUrl, 1);

        var uploadId = (await _s3.InitiateMultipartUploadAsync(bucket, "mp")).UploadId;
        var part = await _s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "mp", UploadId = uploadId, PartNumber = 1, InputStream = new MemoryStream([1, 2]) });
        var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = "mp", UploadId = uploadId };
        complete.AddPartETags(part);
        var completed = await _s3.CompleteMultipartUploadAsync(complete);
        await _s3.DeleteObjectAsync(bucket, "mp");
        await _harness.Global.Events.FlushAsync(TimeSpan.FromSeconds(10));

        var records = (await ReceiveAsync(queueUrl, 2)).Select(static d => d.RootElement.GetProperty("Records")[0]).ToList();
        var created = records.Single(static r => r.GetProperty("eventName").GetString() == "ObjectCreated:CompleteMultipartUpload");
        Assert.Equal(completed.VersionId, created.GetProperty("s3").GetProperty("object").GetProperty("versionId").GetString());
        Assert.EndsWith("-1", created.GetProperty("s3").GetProperty("object").GetProperty("eTag").GetString(), StringComparison.Ordinal);
        Assert.Contains(records, static r => r.GetProperty("eventName").GetString() == "ObjectRemoved:DeleteMarkerCreated");
    }

    [Fact]
    public async Task ConfigurationNamingAQueueThatDoesNotExistIsRejected()
    {
        var bucket = UniqueName.For("ev");
        await _s3.PutBucketAsync(bucket);

        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => _s3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = bucket,
            QueueConfigurations = [new QueueConfiguration { Queue = "arn:aws:sqs:us-east-1:000000000000:" + UniqueName.For("missing"), Events = [EventType.ObjectCreatedAll] }],
        }));

        Assert.Equal("InvalidArgument", error.ErrorCode);
        Assert.Empty((await _s3.GetBucketNotificationAsync(bucket)).QueueConfigurations);
    }

    [Fact]
    public async Task StoredConfigurationIsReturned()
    {
        var (bucket, _, queueArn) = await BucketAndQueueAsync();
        await _s3.PutBucketNotificationAsync(new PutBucketNotificationRequest
        {
            BucketName = bucket,
            QueueConfigurations =
            [
                new QueueConfiguration
                {
                    Id = "cfg", Queue = queueArn, Events = [EventType.ObjectCreatedPut],
                    Filter = new Filter { S3KeyFilter = new S3KeyFilter { FilterRules = [new FilterRule("prefix", "in/")] } },
                },
            ],
        });

        var configuration = Assert.Single((await _s3.GetBucketNotificationAsync(bucket)).QueueConfigurations);
        Assert.Equal("cfg", configuration.Id);
        Assert.Equal(queueArn, configuration.Queue);
        Assert.Equal(EventType.ObjectCreatedPut, Assert.Single(configuration.Events));
        Assert.Equal("in/", Assert.Single(configuration.Filter.S3KeyFilter.FilterRules).Value);
    }

    private async Task<(string Bucket, string QueueUrl, string QueueArn)> BucketAndQueueAsync()
    {
        var bucket = UniqueName.For("ev");
        await _s3.PutBucketAsync(bucket);
        var queueUrl = (await _sqs.CreateQueueAsync(UniqueName.For("events"))).QueueUrl;
        var attributes = await _sqs.GetQueueAttributesAsync(queueUrl, ["QueueArn"]);
        return (bucket, queueUrl, attributes.QueueARN);
    }

    /// <summary>Receives exactly <paramref name="count"/> messages (long polling, bounded to 10 s) and deletes them.</summary>
    private async Task<List<JsonDocument>> ReceiveAsync(string queueUrl, int count)
    {
        var messages = new List<JsonDocument>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (messages.Count < count && DateTime.UtcNow < deadline)
        {
            var response = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 });
            foreach (var message in response.Messages ?? [])
            {
                messages.Add(JsonDocument.Parse(message.Body));
                await _sqs.DeleteMessageAsync(queueUrl, message.ReceiptHandle);
            }
        }

        Assert.Equal(count, messages.Count);
        var extra = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 0 });
        Assert.Empty(extra.Messages ?? []);
        return messages;
    }
}
