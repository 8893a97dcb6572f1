using Amazon.CDK;
using Constructs;
using S3Migrate.Infra.Compute;
using S3Migrate.Infra.Configuration;
using S3Migrate.Infra.Network;
using S3Migrate.Infra.Observability;
using S3Migrate.Infra.Queues;
using S3Migrate.Infra.Security;
using S3Migrate.Infra.State;

namespace S3Migrate.Infra;

/// <summary>
/// One S3Migrate deployment: network, queues, tables, parameters, the silos' role and fleet, and their monitoring.
/// Environment-agnostic: nothing is looked up at synthesis time, and every ARN uses the deployment's own partition.
/// </summary>
internal sealed class S3MigrateStack : Stack
{
    public S3MigrateStack(Construct scope, string id, S3MigrateStackProps props)
        : base(scope, id, props)
    {
        StackPropsValidator.Validate(props);

        var parameters = new DeploymentParameters(this, props);
        var network = new SiloNetwork(this, "Network", props);
        var queues = new JobQueues(this, "Queues", props, [.. props.EventSourceBuckets.Select(b => Arns.Bucket(this, b))]);
        if (queues.Events is not null && queues.EventsPolicy is not null)
        {
            _ = new EventNotificationWiring(this, "EventNotifications", queues.Events, queues.EventsPolicy, props.EventSourceBuckets);
        }

        var tables = new ClusterTables(this, "Tables", props);
        var migration = new MigrationParameters(this, "Parameters", props, parameters.RemoteCredentialsParameterName.ValueAsString);
        var logs = new ClusterLogGroups(this, "Logs", props);
        var topic = new NotificationsTopic(this, "Notifications", parameters).Topic;
        var role = new SiloRole(this, "SiloRole", new SiloRoleInputs(props, parameters, queues, tables, migration, logs, topic)).Role;
        var fleet = new SiloFleet(this, "Silos", new SiloFleetInputs(props, parameters, network, queues, tables, migration, logs, topic, role));

        var metrics = new ClusterMetrics(StackName, fleet.Group);
        var alarms = new ClusterAlarms(this, "Alarms", props, queues, metrics, topic);
        var dashboard = new ClusterDashboard(this, "Dashboard", queues, metrics, alarms);

        Output("JobsQueueUrl", queues.Jobs.QueueUrl, "Jobs queue");
        Output("DeadLetterQueueUrl", queues.DeadLetters.QueueUrl, "Dead-letter queue");
        if (queues.Events is not null)
        {
            Output("EventsQueueUrl", queues.Events.QueueUrl, "S3 events queue");
        }

        Output("MembershipTableName", tables.Membership.TableName, "Orleans membership table");
        Output("GrainStateTableName", tables.GrainState.TableName, "Grain state table");
        Output("ReminderTableName", tables.Reminders.TableName, "Reminder table");
        Output("MigrationSettingsParameterName", migration.SettingsName, "Parameter the silos poll for the migration settings");
        Output("NotificationsTopicArn", topic.TopicArn, "Topic for alarms and 'migration finished'");
        Output("AutoScalingGroupName", fleet.Group.AutoScalingGroupName, "Silo Auto Scaling group");
        Output("SiloRoleArn", role.RoleArn, "Instance role of the silos");
        Output("SiloLogGroupName", logs.SiloLogGroupName, "Silo logs");
        Output("DashboardName", dashboard.Dashboard.DashboardName, "CloudWatch dashboard");
    }

    private void Output(string id, string value, string description) =>
        _ = new CfnOutput(this, id, new CfnOutputProps { Value = value, Description = description });
}
