using Amazon.CDK;
using Amazon.CDK.AWS.AutoScaling;
using Constructs;
using S3Migrate.Infra.Queues;

namespace S3Migrate.Infra.Compute;

/// <summary>
/// Target tracking on the backlog per silo: messages waiting in the jobs (and events) queue divided by the silos in
/// service. With no silo in service the whole backlog counts, so a group parked at zero still scales out.
/// </summary>
internal sealed class BacklogScaling : Construct
{
    public BacklogScaling(Construct scope, string id, AutoScalingGroup group, JobQueues queues, CfnParameter targetBacklogPerInstance)
        : base(scope, id)
    {
        var queries = new List<CfnScalingPolicy.TargetTrackingMetricDataQueryProperty>();
        var backlogTerms = new List<string>();
        foreach (var (queue, queryId) in queues.Consumed.Select((q, i) => (q, $"queue{i}")))
        {
            queries.Add(Stat(queryId, "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue.QueueName, "Sum"));
            backlogTerms.Add(queryId);
        }

        queries.Add(Stat("silos", "AWS/AutoScaling", "GroupInServiceInstances", "AutoScalingGroupName", group.AutoScalingGroupName, "Average"));
        var backlog = "(" + string.Join(" + ", backlogTerms) + ")";
        queries.Add(new CfnScalingPolicy.TargetTrackingMetricDataQueryProperty
        {
            Id = "backlogPerSilo",
            Expression = $"IF(silos > 0, {backlog} / silos, {backlog})",
            Label = "Visible messages per silo in service",
            ReturnData = true,
        });

        _ = new CfnScalingPolicy(this, "Policy", new CfnScalingPolicyProps
        {
            AutoScalingGroupName = group.AutoScalingGroupName,
            PolicyType = "TargetTrackingScaling",
            TargetTrackingConfiguration = new CfnScalingPolicy.TargetTrackingConfigurationProperty
            {
                TargetValue = targetBacklogPerInstance.ValueAsNumber,
                CustomizedMetricSpecification = new CfnScalingPolicy.CustomizedMetricSpecificationProperty { Metrics = queries.ToArray() },
            },
        });
    }

    private static CfnScalingPolicy.TargetTrackingMetricDataQueryProperty Stat(string id, string ns, string metric, string dimension, string value, string statistic) => new()
    {
        Id = id,
        ReturnData = false,
        MetricStat = new CfnScalingPolicy.TargetTrackingMetricStatProperty
        {
            Metric = new CfnScalingPolicy.MetricProperty
            {
                Namespace = ns,
                MetricName = metric,
                Dimensions = new object[] { new CfnScalingPolicy.MetricDimensionProperty { Name = dimension, Value = value } },
            },
            Stat = statistic,
        },
    };
}
