using Amazon.SQS;
using Amazon.SQS.Model;

namespace S3Migrate.Testing;

/// <summary>How many messages a queue holds, visible and in flight (SQS's approximate counts), and waiting for a depth.</summary>
public static class QueueDepth
{
    public static async Task<(int Visible, int InFlight)> DepthAsync(this IAmazonSQS sqs, string queueUrl)
    {
        var attributes = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
        {
            QueueUrl = queueUrl,
            AttributeNames = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        });
        return (attributes.ApproximateNumberOfMessages, attributes.ApproximateNumberOfMessagesNotVisible);
    }

    /// <summary>Polls until <paramref name="reached"/> holds for the queue's depth or <paramref name="timeout"/> passes; the last depth.</summary>
    public static async Task<(int Visible, int InFlight)> WaitDepthAsync(
        this IAmazonSQS sqs, string queueUrl, Func<(int Visible, int InFlight), bool> reached, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var depth = await sqs.DepthAsync(queueUrl);
        while (!reached(depth) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            depth = await sqs.DepthAsync(queueUrl);
        }

        return depth;
    }
}
