using System.Globalization;
using Amazon.CDK;
using S3Migrate.Infra.Configuration;

namespace S3Migrate.Infra.Compute;

/// <summary>The lines of the silo's environment file: every setting of <see cref="SiloContract"/> with its value.</summary>
internal static class SiloEnvironment
{
    public static IReadOnlyList<KeyValuePair<string, string>> For(Stack stack, SiloFleetInputs inputs)
    {
        var props = inputs.Props;
        var queues = inputs.Queues;
        var tables = inputs.Tables;
        var entries = new List<KeyValuePair<string, string>>
        {
            new(SiloContract.Mode, SiloContract.ClusterMode),
            new(SiloContract.ClusterId, stack.StackName),
            new(SiloContract.ServiceId, stack.StackName),
            new(SiloContract.Region, stack.Region),
            new(SiloContract.MembershipTableName, tables.Membership.TableName),
            new(SiloContract.GrainStateTableName, tables.GrainState.TableName),
            new(SiloContract.ReminderTableName, tables.Reminders.TableName),
            new(SiloContract.JobsQueueName, queues.Jobs.QueueName),
        };
        if (queues.Events is not null)
        {
            entries.Add(new(SiloContract.EventsQueueName, queues.Events.QueueName));
        }

        entries.AddRange(
        [
            new(SiloContract.JobVisibilityTimeoutSeconds, Invariant(props.JobVisibilityTimeoutSeconds)),
            new(SiloContract.SiloPort, Invariant(SiloContract.SiloPortNumber)),
            new(SiloContract.GatewayPort, Invariant(SiloContract.GatewayPortNumber)),
            new(SiloContract.MigrationsParameterName, inputs.Migration.SettingsName),
            new(SiloContract.JobType, props.JobType.ToSiloValue()),
            new(SiloContract.RemoteCredentialsParameterName, inputs.Migration.CredentialsName),
            new(SiloContract.PrometheusPort, Invariant(SiloContract.PrometheusPortNumber)),
            new(SiloContract.MigrationFinishedTopicArn, inputs.Topic.TopicArn),
        ]);
        return entries;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
