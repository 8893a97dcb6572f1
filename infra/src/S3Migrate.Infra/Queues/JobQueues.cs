using Amazon.CDK;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.SQS;
using Constructs;
using S3Migrate.Infra.Configuration;

namespace S3Migrate.Infra.Queues;

/// <summary>
/// The jobs queue, the optional S3-events queue and their shared dead-letter queue. All are encrypted with SQS-managed
/// keys (so S3 can deliver events without a KMS key policy), refuse plain HTTP, and keep messages for the full 14 days.
/// </summary>
internal sealed class JobQueues : Construct
{
    public Queue DeadLetters { get; }

    public Queue Jobs { get; }

    /// <summary>The S3-events queue, when event source buckets are named.</summary>
    public Queue? Events { get; }

    /// <summary>The queue policy statement that lets S3 deliver to <see cref="Events"/>; notifications must wait for it.</summary>
    public IDependable? EventsPolicy { get; }

    /// <summary>The queues the silos consume.</summary>
    public IReadOnlyList<Queue> Consumed => Events is null ? [Jobs] : [Jobs, Events];

    public JobQueues(Construct scope, string id, S3MigrateStackProps props, IReadOnlyList<string> eventSourceBucketArns)
        : base(scope, id)
    {
        var retention = Duration.Days(props.MessageRetentionDays);

        DeadLetters = new Queue(this, "DeadLetterQueue", new QueueProps
        {
            RetentionPeriod = retention,
            Encryption = QueueEncryption.SQS_MANAGED,
            EnforceSSL = true,
        });

        Jobs = NewWorkQueue("JobsQueue", props, retention);

        if (props.EventSourceBuckets.Count > 0)
        {
            Events = NewWorkQueue("EventsQueue", props, retention);
            var result = Events.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
            {
                Sid = "AllowS3EventNotificationsFromNamedBuckets",
                Principals = [new ServicePrincipal("s3.amazonaws.com")],
                Actions = ["sqs:SendMessage"],
                Resources = [Events.QueueArn],
                Conditions = new Dictionary<string, object>
                {
                    ["ArnLike"] = new Dictionary<string, object> { ["aws:SourceArn"] = eventSourceBucketArns.ToArray() },
                    ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = Stack.Of(this).Account },
                },
            }));
            EventsPolicy = result.PolicyDependable;
        }
    }

    private Queue NewWorkQueue(string id, S3MigrateStackProps props, Duration retention) => new(this, id, new QueueProps
    {
        VisibilityTimeout = Duration.Seconds(props.JobVisibilityTimeoutSeconds),
        ReceiveMessageWaitTime = Duration.Seconds(props.ReceiveWaitSeconds),
        RetentionPeriod = retention,
        Encryption = QueueEncryption.SQS_MANAGED,
        EnforceSSL = true,
        DeadLetterQueue = new Amazon.CDK.AWS.SQS.DeadLetterQueue { Queue = DeadLetters, MaxReceiveCount = props.JobsQueueMaxReceiveCount },
    });
}
