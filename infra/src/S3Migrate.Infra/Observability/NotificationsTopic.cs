using Amazon.CDK;
using Amazon.CDK.AWS.SNS;
using Constructs;
using S3Migrate.Infra.Configuration;

namespace S3Migrate.Infra.Observability;

/// <summary>
/// The SNS topic that alarms and the silos ("migration finished") publish to, with an optional e-mail subscription.
/// </summary>
internal sealed class NotificationsTopic : Construct
{
    public Topic Topic { get; }

    public NotificationsTopic(Construct scope, string id, DeploymentParameters parameters)
        : base(scope, id)
    {
        Topic = new Topic(this, "Topic", new TopicProps
        {
            DisplayName = $"S3Migrate {Stack.Of(this).StackName}",
            EnforceSSL = true,
        });

        var email = new CfnSubscription(this, "EmailSubscription", new CfnSubscriptionProps
        {
            TopicArn = Topic.TopicArn,
            Protocol = "email",
            Endpoint = parameters.NotificationEmail.ValueAsString,
        });
        email.CfnOptions.Condition = parameters.HasNotificationEmail;
    }
}
