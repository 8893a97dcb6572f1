using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using S3Migrate.Testing;

namespace S3Migrate.Orleans.Aws.Tests.SmokeTests;

/// <summary>
/// The SQS behaviour the work queue relies on (long polling, visibility timeouts, redrive to a dead-letter
/// queue, batch deletes), shown against fauxqs. Each test gets its own queue and dead-letter queue.
/// </summary>
[Collection(StandInsCollection.Name)]
public sealed class SqsStandInTests(StandInsFixture fixture) : IAsyncLifetime
{
    private const int MaxReceiveCount = 2;
    private const int VisibilityTimeoutSeconds = 1;
    private const string ReceiveCountAttribute = "ApproximateReceiveCount";

    /// <summary>Long enough for a hidden message to come back on a busy machine, short enough to keep tests quick.</summary>
    private static readonly TimeSpan ReappearanceTimeout = TimeSpan.FromSeconds(5);

    private readonly AmazonSQSClient _sqs = fixture.StandIns.CreateSqsClient();
    private string _queueUrl = "";
    private string _deadLetterQueueUrl = "";
    private string _deadLetterQueueArn = "";

    public async Task InitializeAsync()
    {
        _deadLetterQueueUrl = (await _sqs.CreateQueueAsync(UniqueName.For("smoke-dlq"))).QueueUrl;
        _deadLetterQueueArn = (await _sqs.GetQueueAttributesAsync(_deadLetterQueueUrl, [QueueAttributeName.QueueArn])).QueueARN;
        _queueUrl = (await _sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = UniqueName.For("smoke"),
            Attributes = new()
            {
                [QueueAttributeName.VisibilityTimeout] = VisibilityTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
                [QueueAttributeName.RedrivePolicy] = JsonSerializer.Serialize(new
                {
                    deadLetterTargetArn = _deadLetterQueueArn,
                    maxReceiveCount = MaxReceiveCount,
                }),
            },
        })).QueueUrl;
    }

    public async Task DisposeAsync()
    {
        await _sqs.DeleteQueueAsync(_queueUrl);
        await _sqs.DeleteQueueAsync(_deadLetterQueueUrl);
        _sqs.Dispose();
    }

    [Fact]
    public async Task QueueKeepsItsVisibilityTimeoutAndRedrivePolicy()
    {
        var attributes = (await _sqs.GetQueueAttributesAsync(
            _queueUrl, [QueueAttributeName.VisibilityTimeout, QueueAttributeName.RedrivePolicy])).Attributes;

        Assert.Equal(VisibilityTimeoutSeconds.ToString(CultureInfo.InvariantCulture), attributes[QueueAttributeName.VisibilityTimeout]);
        using var redrivePolicy = JsonDocument.Parse(attributes[QueueAttributeName.RedrivePolicy]);
        Assert.Equal(_deadLetterQueueArn, redrivePolicy.RootElement.GetProperty("deadLetterTargetArn").GetString());
        Assert.Equal(MaxReceiveCount.ToString(CultureInfo.InvariantCulture), JsonNumberText(redrivePolicy.RootElement.GetProperty("maxReceiveCount")));
    }

    [Fact]
    public async Task LongPollOnEmptyQueueWaitsForWaitTimeSeconds()
    {
        var elapsed = Stopwatch.StartNew();
        var messages = await ReceiveAsync(_queueUrl, waitTimeSeconds: 1);
        elapsed.Stop();

        Assert.Empty(messages);
        Assert.True(elapsed.Elapsed >= TimeSpan.FromSeconds(0.8), $"An empty long poll of 1 s returned after {elapsed.Elapsed}.");
    }

    [Fact]
    public async Task LongPollReturnsAsSoonAsMessageArrives()
    {
        var elapsed = Stopwatch.StartNew();
        var poll = ReceiveAsync(_queueUrl, waitTimeSeconds: 10);
        await Task.Delay(TimeSpan.FromSeconds(1));
        await _sqs.SendMessageAsync(_queueUrl, "wake up");
        var messages = await poll;
        elapsed.Stop();

        Assert.Equal("wake up", Assert.Single(messages).Body);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(5), $"The poll waited {elapsed.Elapsed} although a message arrived after 1 s.");
    }

    [Fact]
    public async Task UnacknowledgedMessageBecomesVisibleAgainAfterVisibilityTimeout()
    {
        await _sqs.SendMessageAsync(_queueUrl, "retry me");

        var first = await ReceiveOneAsync(_queueUrl, ReappearanceTimeout);
        var whileHidden = await ReceiveAsync(_queueUrl, waitTimeSeconds: 0);
        var second = await ReceiveOneAsync(_queueUrl, ReappearanceTimeout);

        Assert.Equal("1", first.Attributes[ReceiveCountAttribute]);
        Assert.Empty(whileHidden);
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal("2", second.Attributes[ReceiveCountAttribute]);
    }

    [Fact]
    public async Task ChangeMessageVisibilityKeepsMessageHiddenPastOriginalTimeout()
    {
        await _sqs.SendMessageAsync(_queueUrl, "still working on it");
        var received = await ReceiveOneAsync(_queueUrl, ReappearanceTimeout);

        await _sqs.ChangeMessageVisibilityAsync(_queueUrl, received.ReceiptHandle, visibilityTimeout: 30);
        var duringExtension = await ReceiveAsync(_queueUrl, waitTimeSeconds: 2 * VisibilityTimeoutSeconds + 1);
        await _sqs.ChangeMessageVisibilityAsync(_queueUrl, received.ReceiptHandle, visibilityTimeout: 0);
        var afterRelease = await ReceiveOneAsync(_queueUrl, ReappearanceTimeout);

        Assert.Empty(duringExtension);
        Assert.Equal(received.MessageId, afterRelease.MessageId);
    }

    [Fact]
    public async Task UnacknowledgedMessageMovesToDeadLetterQueueAfterMaxReceives()
    {
        await _sqs.SendMessageAsync(_queueUrl, "poison");
        for (var receive = 1; receive <= MaxReceiveCount; receive++)
        {
            var message = await ReceiveOneAsync(_queueUrl, ReappearanceTimeout);
            Assert.Equal(receive.ToString(CultureInfo.InvariantCulture), message.Attributes[ReceiveCountAttribute]);
        }

        var fromMainQueue = await ReceiveAsync(_queueUrl, waitTimeSeconds: 2 * VisibilityTimeoutSeconds + 1);
        var deadLetter = await ReceiveOneAsync(_deadLetterQueueUrl, ReappearanceTimeout);

        Assert.Empty(fromMainQueue);
        Assert.Equal("poison", deadLetter.Body);
        Assert.Equal((0, 0), await CountMessagesAsync(_queueUrl));
    }

    [Fact]
    public async Task DeleteMessageBatchRemovesMessages()
    {
        string[] bodies = ["one", "two", "three"];
        await _sqs.SendMessageBatchAsync(_queueUrl, [.. bodies.Select((body, index) => new SendMessageBatchRequestEntry($"m{index}", body))]);
        var received = new List<Message>();
        while (received.Count < bodies.Length)
        {
            var batch = await ReceiveAsync(_queueUrl, waitTimeSeconds: 1, maxMessages: 10);
            Assert.NotEmpty(batch);
            received.AddRange(batch);
        }

        var deleted = await _sqs.DeleteMessageBatchAsync(
            _queueUrl, [.. received.Select((message, index) => new DeleteMessageBatchRequestEntry($"d{index}", message.ReceiptHandle))]);
        var afterVisibilityTimeout = await ReceiveAsync(_queueUrl, waitTimeSeconds: 2 * VisibilityTimeoutSeconds + 1, maxMessages: 10);

        Assert.Equal(bodies.Order(), received.Select(message => message.Body).Order());
        Assert.Equal(bodies.Length, deleted.Successful.Count);
        Assert.Empty(deleted.Failed);
        Assert.Empty(afterVisibilityTimeout);
        Assert.Equal((0, 0), await CountMessagesAsync(_queueUrl));
    }

    private async Task<List<Message>> ReceiveAsync(string queueUrl, int waitTimeSeconds, int maxMessages = 1)
    {
        var response = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = queueUrl,
            WaitTimeSeconds = waitTimeSeconds,
            MaxNumberOfMessages = maxMessages,
            MessageSystemAttributeNames = [ReceiveCountAttribute],
        });
        return response.Messages;
    }

    /// <summary>Polls until one message is delivered; fails if none is within <paramref name="timeout"/>.</summary>
    private async Task<Message> ReceiveOneAsync(string queueUrl, TimeSpan timeout)
    {
        var elapsed = Stopwatch.StartNew();
        while (elapsed.Elapsed < timeout)
        {
            var messages = await ReceiveAsync(queueUrl, waitTimeSeconds: 1);
            if (messages.Count > 0)
            {
                return Assert.Single(messages);
            }
        }

        throw new Xunit.Sdk.XunitException($"No message arrived on {queueUrl} within {timeout}.");
    }

    private async Task<(int Visible, int InFlight)> CountMessagesAsync(string queueUrl)
    {
        var attributes = await _sqs.GetQueueAttributesAsync(
            queueUrl,
            [QueueAttributeName.ApproximateNumberOfMessages, QueueAttributeName.ApproximateNumberOfMessagesNotVisible]);
        return (attributes.ApproximateNumberOfMessages, attributes.ApproximateNumberOfMessagesNotVisible);
    }

    /// <summary>The redrive policy's maxReceiveCount is a number in some implementations and a string in others.</summary>
    private static string? JsonNumberText(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number ? element.GetRawText() : element.GetString();
}
