namespace S3Migrate.Orleans.Aws.Streaming;

/// <summary>
/// An SQS-backed persistent stream provider: which physical queues carry its messages, how long a received message
/// stays invisible, and how receives, sends and deletes are batched.
/// </summary>
public sealed class SqsStreamOptions
{
    /// <summary>The queues stream events are sent to (one or more). Every silo receives from all of them.</summary>
    public IList<string> QueueNames { get; set; } = [];

    /// <summary>
    /// Queues that are only received from: messages other systems write (S3 event notifications). The decoder turns
    /// them into stream events.
    /// </summary>
    public IList<string> ReceiveOnlyQueueNames { get; set; } = [];

    /// <summary>The region, when <see cref="ServiceUrl"/> is not set.</summary>
    public string? Region { get; set; }

    /// <summary>An SQS-compatible endpoint (tests); null for AWS.</summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>Create missing queues (development; deployments create them, with their dead-letter queue, in the CDK app).</summary>
    public bool CreateQueues { get; set; }

    /// <summary>
    /// Orleans queues (pulling agents across the cluster). Each is mapped onto one physical queue, so several agents
    /// compete for the same messages. Orleans hands each to one silo (unevenly: with 8 over three silos, one silo was
    /// measured to get none and so never received a job), so there should be several per silo; the agents of one silo
    /// long-poll a physical queue one at a time, so more of them cost no requests.
    /// </summary>
    public int PartitionCount { get; set; } = 64;

    /// <summary>How long a received message stays invisible; held messages are extended to this again by the heartbeat.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often held messages are extended; a third of <see cref="VisibilityTimeout"/> when unset.</summary>
    public TimeSpan? HeartbeatPeriod { get; set; }

    /// <summary>Long-poll wait of one receive (0–20 s).</summary>
    public TimeSpan ReceiveWaitTime { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a send waits for others to share its SendMessageBatch.</summary>
    public TimeSpan SendBatchWindow { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long an acknowledgement waits for others to share its DeleteMessageBatch.</summary>
    public TimeSpan DeleteBatchWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// When a message the decoder rejects becomes visible again. Each receive counts towards the queue's
    /// maxReceiveCount, after which SQS moves the message to the dead-letter queue.
    /// </summary>
    public TimeSpan RejectedVisibility { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>When a message released by an interrupted consumer (a silo shutting down) becomes visible again.</summary>
    public TimeSpan ReleasedVisibility { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>When a message whose consumer could not be reached comes back (the cluster is noticing a lost silo).</summary>
    public TimeSpan DeliveryRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    internal TimeSpan EffectiveHeartbeatPeriod => HeartbeatPeriod ?? VisibilityTimeout / 3;

    /// <summary>The problems with these options, one line each, naming the setting.</summary>
    public IEnumerable<string> Validate()
    {
        if (QueueNames.Count == 0 || QueueNames.Any(string.IsNullOrWhiteSpace))
        {
            yield return "SQS streams: at least one queue name is required, and none may be empty";
        }

        if (PartitionCount is < 1 or > 1024)
        {
            yield return $"SQS streams: PartitionCount {PartitionCount} must be between 1 and 1024";
        }

        if (VisibilityTimeout < TimeSpan.FromSeconds(1) || VisibilityTimeout > TimeSpan.FromHours(12))
        {
            yield return $"SQS streams: VisibilityTimeout {VisibilityTimeout} must be between 1 s and 12 h";
        }

        if (EffectiveHeartbeatPeriod <= TimeSpan.Zero || EffectiveHeartbeatPeriod >= VisibilityTimeout)
        {
            yield return $"SQS streams: HeartbeatPeriod {EffectiveHeartbeatPeriod} must be shorter than VisibilityTimeout {VisibilityTimeout}";
        }

        if (ReceiveWaitTime < TimeSpan.Zero || ReceiveWaitTime > TimeSpan.FromSeconds(20))
        {
            yield return $"SQS streams: ReceiveWaitTime {ReceiveWaitTime} must be between 0 and 20 s";
        }
    }
}
