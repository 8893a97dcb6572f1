using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.SNS;
using Constructs;
using S3Migrate.Infra.Configuration;
using S3Migrate.Infra.Queues;

namespace S3Migrate.Infra.Observability;

/// <summary>
/// Two alarms, both notifying the topic: the dead-letter queue is not empty, and the migration has finished (every
/// consumed queue has stayed empty for a while after the silos moved data).
/// </summary>
internal sealed class ClusterAlarms : Construct
{
    public Alarm DeadLettersPresent { get; }

    public Alarm MigrationFinished { get; }

    public ClusterAlarms(Construct scope, string id, S3MigrateStackProps props, JobQueues queues, ClusterMetrics metrics, ITopic topic)
        : base(scope, id)
    {
        var period = Duration.Minutes(props.AlarmPeriodMinutes);
        var notify = new SnsAction(topic);

        DeadLettersPresent = new Alarm(this, "DeadLetterQueueNotEmpty", new AlarmProps
        {
            AlarmDescription = "Messages reached the S3Migrate dead-letter queue after the maximum number of receives. Inspect them, then redrive.",
            Metric = queues.DeadLetters.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Period = period, Statistic = Stats.MAXIMUM }),
            Threshold = 0,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_THRESHOLD,
            EvaluationPeriods = 1,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        });
        DeadLettersPresent.AddAlarmAction(notify);

        // The bytes counter only has data points once a silo has moved data since it started, so a freshly deployed,
        // idle cluster stays in INSUFFICIENT_DATA instead of announcing a migration that never ran.
        var usingMetrics = new Dictionary<string, IMetric>
        {
            ["bytes"] = metrics.Silo(SiloMetrics.BytesTransferred, Stats.SUM, "Bytes transferred"),
        };
        var backlogTerms = new List<string>();
        foreach (var (queue, index) in queues.Consumed.Select((q, i) => (q, i)))
        {
            usingMetrics[$"waiting{index}"] = queue.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Statistic = Stats.MAXIMUM });
            usingMetrics[$"running{index}"] = queue.MetricApproximateNumberOfMessagesNotVisible(new MetricOptions { Statistic = Stats.MAXIMUM });
            backlogTerms.Add($"waiting{index} + running{index}");
        }

        MigrationFinished = new Alarm(this, "MigrationFinished", new AlarmProps
        {
            AlarmDescription = "S3Migrate finished: no job or event message has been waiting or in flight for the last periods, after the silos moved data.",
            Metric = new MathExpression(new MathExpressionProps
            {
                Expression = $"IF(({string.Join(" + ", backlogTerms)}) == 0 AND bytes >= 0, 1, 0)",
                UsingMetrics = usingMetrics,
                Period = period,
                Label = "Queues drained after work",
            }),
            Threshold = 1,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            EvaluationPeriods = props.QueueDrainedPeriods,
            DatapointsToAlarm = props.QueueDrainedPeriods,
            TreatMissingData = TreatMissingData.IGNORE,
        });
        MigrationFinished.AddAlarmAction(notify);
    }
}
