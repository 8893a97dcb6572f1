using System.Text.Json;
using S3Migrate.Abstractions;
using S3Migrate.Grains.Jobs;

namespace S3Migrate.Grains.Tests;

/// <summary>The job message schema (docs/job-messages.md) and S3 event notifications as the silos read them.</summary>
public sealed class JobMessageTests
{
    private static readonly ObjectJob Job = new()
    {
        MigrationId = "m1",
        SourceBucket = "src",
        SourceKey = "a b/ключ+%.txt",
        DestinationBucket = "dst",
        DestinationKey = "copy/a b/ключ+%.txt",
        ExpectedETag = "0123456789abcdef0123456789abcdef",
        ExpectedSize = 12345,
        Round = 2,
    };

    [Fact]
    public void JobsRoundTripThroughTheMessageExactly()
    {
        var body = JobMessages.Encode([Job, Job with { Kind = JobKind.Delete, SourceKey = "gone", DestinationKey = "copy/gone", ExpectedETag = null, ExpectedSize = -1 }], "batch-1");
        var message = JobMessages.Decode(body);

        Assert.Equal("batch-1", message.BatchId);
        Assert.Equal(Job, message.Jobs[0].ToJob(message.Jobs[0].DestinationBucket!, message.Jobs[0].DestinationKey!));
        Assert.Equal((JobKind.Delete, "gone", -1L), (message.Jobs[1].Kind, message.Jobs[1].SourceKey, message.Jobs[1].ExpectedSize));
        Assert.StartsWith("{\"type\":\"s3migrate.jobs\",\"version\":1,", body, StringComparison.Ordinal);
    }

    [Fact]
    public void AJobWithoutDestinationLeavesItToTheRoutes()
    {
        var body = JobMessages.Encode([Job with { DestinationBucket = string.Empty, DestinationKey = string.Empty }], null);
        var entry = Assert.Single(JobMessages.Decode(body).Jobs);
        Assert.Null(entry.DestinationBucket);
        Assert.Null(entry.DestinationKey);
    }

    [Fact]
    public void ABatchTooLargeForOneMessageIsSplitKeepingEveryJob()
    {
        var jobs = Enumerable.Range(0, 400).Select(i => Job with { SourceKey = new string('k', 900) + i, DestinationKey = new string('d', 900) + i }).ToList();
        var bodies = JobMessages.EncodeWithin(jobs, "big", 256 * 1024);

        Assert.True(bodies.Count > 1);
        Assert.All(bodies, static b => Assert.True(System.Text.Encoding.UTF8.GetByteCount(b) <= 256 * 1024));
        var decoded = bodies.Select(JobMessages.Decode).ToList();
        Assert.Equal(jobs.Select(static j => j.SourceKey), decoded.SelectMany(static m => m.Jobs).Select(static e => e.SourceKey));
        Assert.Equal(decoded.Count, decoded.Select(static m => m.BatchId).Distinct().Count());
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("{\"type\":\"other\"}", "not a job message")]
    [InlineData("{\"type\":\"s3migrate.jobs\",\"version\":2,\"jobs\":[]}", "version 2 is not supported")]
    [InlineData("{\"type\":\"s3migrate.jobs\",\"version\":1,\"jobs\":[]}", "has no \"jobs\"")]
    [InlineData("{\"type\":\"s3migrate.jobs\",\"version\":1,\"jobs\":[{\"migrationId\":\"m\",\"sourceBucket\":\"b\"}]}", "job 0 has no \"sourceKey\"")]
    [InlineData("{\"type\":\"s3migrate.jobs\",\"version\":1,\"jobs\":[{\"migrationId\":\"m\",\"sourceBucket\":\"b\",\"sourceKey\":\"k\",\"kind\":\"move\"}]}", "kind \"move\"")]
    [InlineData("{\"type\":\"s3migrate.jobs\",\"version\":1,\"jobs\":[{\"migrationId\":\"m\",\"sourceBucket\":\"b\",\"sourceKey\":\"k\",\"destinationBucket\":\"d\"}]}", "only one of")]
    public void MalformedMessagesAreRefusedWithTheReason(string body, string reason)
    {
        var error = Assert.Throws<FormatException>(() => JobMessages.Decode(body));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void S3RecordsAreReadWithDecodedKeysAndTheirSequencers()
    {
        const string body = """
            {"Records":[
              {"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventName":"ObjectCreated:Put",
               "s3":{"bucket":{"name":"src"},"object":{"key":"in/a+b%2Bc/%D0%BA%D0%BB%D1%8E%D1%87.txt","size":42,"eTag":"abc","versionId":"null","sequencer":"0055AED6DCD90281E5"}}},
              {"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventName":"ObjectRemoved:Delete",
               "s3":{"bucket":{"name":"src"},"object":{"key":"in/old.txt","versionId":"v2","sequencer":"0055AED6DCD90281E6"}}}]}
            """;
        using var document = JsonDocument.Parse(body);
        Assert.True(S3EventNotifications.IsNotification(document.RootElement));
        var records = S3EventNotifications.Parse(document.RootElement)!;

        Assert.Equal(2, records.Count);
        Assert.Equal(("in/a b+c/ключ.txt", 42L, "abc", null, true), (records[0].Key, records[0].Size, records[0].ETag, records[0].VersionId, records[0].IsCreated));
        Assert.Equal(("in/old.txt", "v2", true), (records[1].Key, records[1].VersionId, records[1].IsRemoved));
        Assert.True(Sequencers.Compare(records[0].Sequencer!, records[1].Sequencer!) < 0);
    }

    [Fact]
    public void TheTestEventAndSnsWrappedNotificationsAreRecognised()
    {
        using var test = JsonDocument.Parse("""{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-28T00:00:00Z","Bucket":"src"}""");
        Assert.Null(S3EventNotifications.Parse(test.RootElement));

        var inner = """{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Copy","s3":{"bucket":{"name":"b"},"object":{"key":"k","size":1}}}]}""";
        using var sns = JsonDocument.Parse(JsonSerializer.Serialize(new { Type = "Notification", Message = inner }));
        Assert.Equal("k", Assert.Single(S3EventNotifications.Parse(sns.RootElement)!).Key);

        using var old = JsonDocument.Parse("""{"Records":[{"eventVersion":"1.0","eventName":"ObjectCreated:Put","s3":{}}]}""");
        Assert.Contains("eventVersion 1.0", Assert.Throws<FormatException>(() => S3EventNotifications.Parse(old.RootElement)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EventSequencersCompareAsHexOfAnyLength()
    {
        Assert.True(Sequencers.Compare("0055AED6DCD90281E5", "55AED6DCD90281E6") < 0);
        Assert.True(Sequencers.Compare("0A", "9") > 0);
        Assert.Equal(0, Sequencers.Compare("00ff", "FF"));
    }
}
