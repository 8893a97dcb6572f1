using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace S3Migrate.Orleans.Aws.Streaming;

/// <summary>
/// A message whose consumer could not be reached (its silo just died and the cluster has not noticed yet) stays in the
/// queue and comes back after <see cref="SqsStreamOptions.DeliveryRetryDelay"/>, rather than at once, so an outage of
/// a few seconds does not use up the receives its dead-letter policy allows.
/// </summary>
internal sealed partial class SqsDeliveryFailureHandler(SqsMessageLeases leases, SqsStreamOptions options, ILogger logger) : IStreamFailureHandler
{
    public bool ShouldFaultSubsriptionOnError => false;

    public async Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        if (sequenceToken is SqsSequenceToken message)
        {
            LogDeliveryFailed(logger, message.MessageId, streamIdentity.ToString(), options.DeliveryRetryDelay.TotalSeconds);
            await leases.ChangeVisibilityAsync(message.QueueUrl, message.ReceiptHandle, options.DeliveryRetryDelay);
        }
    }

    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken) =>
        Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not deliver SQS message {MessageId} on stream {Stream}; it comes back in {Seconds} s")]
    private static partial void LogDeliveryFailed(ILogger logger, string messageId, string stream, double seconds);
}
