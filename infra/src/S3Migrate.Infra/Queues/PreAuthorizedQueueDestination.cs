using Amazon.CDK.AWS.S3;
using Amazon.CDK.AWS.SQS;
using Amazon.JSII.Runtime.Deputy;
using Constructs;

namespace S3Migrate.Infra.Queues;

/// <summary>
/// An S3 notification destination for a queue whose policy already admits S3. The CDK's own SQS destination would add
/// a second, looser statement (no source-account condition); this one only points at the queue and waits for our policy.
/// </summary>
internal sealed class PreAuthorizedQueueDestination(IQueue queue, IDependable queuePolicy) : DeputyBase, IBucketNotificationDestination
{
    public IBucketNotificationDestinationConfig Bind(Construct scope, IBucket bucket) => new BucketNotificationDestinationConfig
    {
        Arn = queue.QueueArn,
        Type = BucketNotificationDestinationType.QUEUE,
        Dependencies = [queuePolicy],
    };
}
