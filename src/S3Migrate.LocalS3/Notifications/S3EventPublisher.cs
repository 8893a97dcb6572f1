using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;
using S3Migrate.LocalS3.Storage;

namespace S3Migrate.LocalS3.Notifications;

/// <summary>
/// Sends S3 event notifications (S3's JSON, eventVersion 2.1) to SQS queues through the SQS API, in the background,
/// as S3 does: at least once, possibly out of order, with a per-key sequencer.
/// </summary>
public sealed partial class S3EventPublisher : IAsyncDisposable
{
    private const int MaxSendAttempts = 5;

    private readonly Channel<(string QueueArn, string Body)> _pending = Channel.CreateUnbounded<(string, string)>(new() { SingleReader = true });
    private readonly ConcurrentDictionary<string, string> _queueUrls = new(StringComparer.Ordinal);
    private readonly AmazonSQSClient? _sqs;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Task _sender;
    private long _sent;
    private long _failed;
    private long _queued;

    public S3EventPublisher(string? sqsServiceUrl, TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
        if (sqsServiceUrl is not null)
        {
            _sqs = new AmazonSQSClient(new BasicAWSCredentials("localS3", "localS3"), new AmazonSQSConfig
            {
                ServiceURL = sqsServiceUrl,
                AuthenticationRegion = "us-east-1",
                MaxErrorRetry = 2,
            });
        }

        _sender = Task.Run(SendLoopAsync);
    }

    /// <summary>Events handed to SQS successfully.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Events dropped after retries (no SQS endpoint, unknown queue, SQS down).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Events not yet delivered.</summary>
    public long Pending => Interlocked.Read(ref _queued) - Sent - Failed;

    public void ObjectCreated(BucketState bucket, string eventName, ObjectVersion version) =>
        Publish(bucket, eventName, version.Key, version.Size, version.ETag, version.VersionId, version.Sequence);

    public void ObjectRemoved(BucketState bucket, string eventName, string key, string versionId, long sequence) =>
        Publish(bucket, eventName, key, null, null, versionId, sequence);

    /// <summary>Sends s3:TestEvent to each queue, as S3 does when a configuration is set; returns the ARNs that failed.</summary>
    public async Task<IReadOnlyList<string>> ValidateDestinationsAsync(
        BucketState bucket, IReadOnlyList<QueueConfiguration> configurations, CancellationToken cancellationToken)
    {
        var failed = new List<string>();
        foreach (var arn in configurations.Select(static c => c.QueueArn).Distinct(StringComparer.Ordinal))
        {
            try
            {
                var url = await QueueUrlAsync(arn, cancellationToken);
                await _sqs!.SendMessageAsync(new SendMessageRequest(url, TestEvent(bucket.Name)), cancellationToken);
            }
            catch (Exception e) when (e is AmazonServiceException or HttpRequestException or InvalidOperationException or TaskCanceledException)
            {
                LogValidationFailed(_logger, arn, e.Message);
                failed.Add(arn);
            }
        }

        return failed;
    }

    /// <summary>Waits until every queued event was sent or dropped (tests use it before reading the queue).</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        var deadline = _time.GetTimestamp();
        while (Pending > 0 && _time.GetElapsedTime(deadline) < timeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), _time);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _sender.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(static _ => { }, TaskScheduler.Default);
        _sqs?.Dispose();
    }

    private void Publish(BucketState bucket, string eventName, string key, long? size, string? etag, string versionId, long sequence)
    {
        foreach (var configuration in bucket.Notifications)
        {
            if (!configuration.Matches(eventName, key))
            {
                continue;
            }

            var body = EventRecord(bucket, configuration.Id, eventName, key, size, etag,
                bucket.Versioning == VersioningStatus.Off ? null : versionId, sequence);
            Interlocked.Increment(ref _queued);
            _pending.Writer.TryWrite((configuration.QueueArn, body));
        }
    }

    private async Task SendLoopAsync()
    {
        await foreach (var (arn, body) in _pending.Reader.ReadAllAsync())
        {
            var delivered = false;
            for (var attempt = 1; attempt <= MaxSendAttempts && !delivered && _sqs is not null; attempt++)
            {
                try
                {
                    var url = await QueueUrlAsync(arn, CancellationToken.None);
                    await _sqs.SendMessageAsync(new SendMessageRequest(url, body));
                    delivered = true;
                }
                catch (Exception e) when (e is AmazonServiceException or HttpRequestException or TaskCanceledException)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), _time);
                }
            }

            if (delivered)
            {
                Interlocked.Increment(ref _sent);
            }
            else
            {
                Interlocked.Increment(ref _failed);
                LogEventDropped(_logger, arn);
            }
        }
    }

    private async Task<string> QueueUrlAsync(string arn, CancellationToken cancellationToken)
    {
        if (_sqs is null)
        {
            throw new InvalidOperationException("LocalS3 has no SQS endpoint configured for event notifications.");
        }

        if (_queueUrls.TryGetValue(arn, out var url))
        {
            return url;
        }

        var name = arn[(arn.LastIndexOf(':') + 1)..];
        url = (await _sqs.GetQueueUrlAsync(name, cancellationToken)).QueueUrl;
        _queueUrls[arn] = url;
        return url;
    }

    private string TestEvent(string bucket)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("Service", "Amazon S3");
            json.WriteString("Event", "s3:TestEvent");
            json.WriteString("Time", Protocol.S3Xml.Timestamp(_time.GetUtcNow()));
            json.WriteString("Bucket", bucket);
            json.WriteString("RequestId", RandomHex(8));
            json.WriteString("HostId", RandomHex(32));
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private string EventRecord(
        BucketState bucket, string configurationId, string eventName, string key, long? size, string? etag, string? versionId, long sequence)
    {
        var partition = bucket.Region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn" : "aws";
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartArray("Records");
            json.WriteStartObject();
            json.WriteString("eventVersion", "2.1");
            json.WriteString("eventSource", "aws:s3");
            json.WriteString("awsRegion", bucket.Region);
            json.WriteString("eventTime", Protocol.S3Xml.Timestamp(_time.GetUtcNow()));
            json.WriteString("eventName", eventName);
            json.WriteStartObject("userIdentity");
            json.WriteString("principalId", "AWS:" + Operations.LocalS3Owner.DisplayName);
            json.WriteEndObject();
            json.WriteStartObject("requestParameters");
            json.WriteString("sourceIPAddress", "127.0.0.1");
            json.WriteEndObject();
            json.WriteStartObject("responseElements");
            json.WriteString("x-amz-request-id", RandomHex(8));
            json.WriteString("x-amz-id-2", RandomHex(32));
            json.WriteEndObject();
            json.WriteStartObject("s3");
            json.WriteString("s3SchemaVersion", "1.0");
            json.WriteString("configurationId", configurationId);
            json.WriteStartObject("bucket");
            json.WriteString("name", bucket.Name);
            json.WriteStartObject("ownerIdentity");
            json.WriteString("principalId", Operations.LocalS3Owner.Id);
            json.WriteEndObject();
            json.WriteString("arn", $"arn:{partition}:s3:::{bucket.Name}");
            json.WriteEndObject();
            json.WriteStartObject("object");
            json.WriteString("key", EventKey(key));
            if (size is { } s)
            {
                json.WriteNumber("size", s);
            }

            if (etag is not null)
            {
                json.WriteString("eTag", etag);
            }

            if (versionId is not null)
            {
                json.WriteString("versionId", versionId);
            }

            json.WriteString("sequencer", sequence.ToString("X16", CultureInfo.InvariantCulture));
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Keys in events are URL-encoded form-style: a space becomes '+', '/' stays.</summary>
    public static string EventKey(string key) =>
        Protocol.S3Encoding.UriEncode(key, keepSlash: true).Replace("%20", "+", StringComparison.Ordinal);

    private static string RandomHex(int bytes) => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(bytes));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event notification to {QueueArn} dropped after retries")]
    private static partial void LogEventDropped(ILogger logger, string queueArn);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification destination {QueueArn} could not be validated: {Reason}")]
    private static partial void LogValidationFailed(ILogger logger, string queueArn, string reason);
}
