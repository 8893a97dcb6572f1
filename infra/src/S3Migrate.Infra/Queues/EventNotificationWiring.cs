using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.S3;
using Amazon.CDK.AWS.SQS;
using Constructs;
using S3Migrate.Infra.Security;

namespace S3Migrate.Infra.Queues;

/// <summary>
/// Sends object-created and object-removed events of existing source buckets to the events queue. The buckets are not
/// managed by this stack: the CDK's notification handler merges our configuration with whatever the bucket already has.
/// Its role is narrowed to the named buckets (the CDK grants it every bucket).
/// </summary>
internal sealed class EventNotificationWiring : Construct
{
    /// <summary>Construct id of the CDK's singleton notification handler in Amazon.CDK.Lib 2.160.</summary>
    internal const string HandlerId = "BucketNotificationsHandler050a0587b7544547bf325f094a3db834";

    private static readonly EventType[] Events = [EventType.OBJECT_CREATED, EventType.OBJECT_REMOVED];

    private static readonly string[] HandlerActions = ["s3:GetBucketNotification", "s3:PutBucketNotification"];

    public EventNotificationWiring(Construct scope, string id, IQueue eventsQueue, IDependable queuePolicy, IReadOnlyList<string> sourceBuckets)
        : base(scope, id)
    {
        var destination = new PreAuthorizedQueueDestination(eventsQueue, queuePolicy);
        foreach (var name in sourceBuckets)
        {
            var bucket = Bucket.FromBucketName(this, $"Source-{name}", name);
            foreach (var eventType in Events)
            {
                bucket.AddEventNotification(eventType, destination);
            }
        }

        NarrowHandlerPolicy(sourceBuckets);
    }

    private void NarrowHandlerPolicy(IReadOnlyList<string> sourceBuckets)
    {
        var handler = Stack.Of(this).Node.TryFindChild(HandlerId)
            ?? throw new InvalidOperationException($"The CDK's bucket notification handler '{HandlerId}' was not found; its id changes with the CDK version.");
        var policy = handler.Node.FindChild("Role").Node.FindChild("DefaultPolicy").Node.DefaultChild as CfnPolicy
            ?? throw new InvalidOperationException("The bucket notification handler has no default policy to narrow.");

        policy.AddPropertyOverride("PolicyDocument.Statement", new object[]
        {
            new Dictionary<string, object>
            {
                ["Sid"] = "ConfigureNamedSourceBucketNotifications",
                ["Effect"] = "Allow",
                ["Action"] = HandlerActions,
                ["Resource"] = sourceBuckets.Select(b => (object)Arns.Bucket(this, b)).ToArray(),
            },
        });
    }
}
