using S3Migrate.Infra.Tests.Support;
using Xunit;
using static S3Migrate.Infra.Tests.Support.Intrinsics;

namespace S3Migrate.Infra.Tests;

[Collection(SharedStacksDefinition.Name)]
public sealed class EventNotificationTests(Stacks stacks)
{
    private const string PhotosBucketArn = "arn:${AWS::Partition}:s3:::src-photos";

    [Fact]
    public void EventsQueueExistsOnlyWhenEventSourcesAreNamed()
    {
        Assert.Single(stacks.PutSide.Resources("AWS::SQS::Queue"), q => q.Id.StartsWith("QueuesEventsQueue", StringComparison.Ordinal));
        Assert.DoesNotContain(stacks.GetSide.Resources("AWS::SQS::Queue"), q => q.Id.StartsWith("QueuesEventsQueue", StringComparison.Ordinal));
        Assert.Empty(stacks.GetSide.Resources("Custom::S3BucketNotifications"));
    }

    [Fact]
    public void EventsQueueAdmitsS3OnlyFromTheNamedBucketsOfThisAccount()
    {
        var stack = stacks.PutSide;
        var eventsQueue = stack.Id("AWS::SQS::Queue", "QueuesEventsQueue");
        var s3Statements = stack.Resources("AWS::SQS::QueuePolicy")
            .SelectMany(p => p.Resource["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray())
            .Where(s => s!["Principal"]?["Service"]?.GetValue<string>() == "s3.amazonaws.com")
            .ToList();

        var statement = Assert.Single(s3Statements)!;
        Assert.Equal("Allow", statement["Effect"]!.GetValue<string>());
        Assert.Equal(["sqs:SendMessage"], RenderAll(statement["Action"]));
        Assert.Equal(["${" + eventsQueue + ".Arn}"], RenderAll(statement["Resource"]));
        Assert.Equal([PhotosBucketArn], RenderAll(statement["Condition"]!["ArnLike"]!["aws:SourceArn"]));
        Assert.Equal("${AWS::AccountId}", Render(statement["Condition"]!["StringEquals"]!["aws:SourceAccount"]));
    }

    [Fact]
    public void NamedSourceBucketSendsCreatedAndRemovedEventsToTheEventsQueue()
    {
        var stack = stacks.PutSide;
        var (_, notifications) = stack.OnlyResource("Custom::S3BucketNotifications");
        var properties = notifications["Properties"]!;
        Assert.Equal("src-photos", properties["BucketName"]!.GetValue<string>());
        Assert.False(properties["Managed"]!.GetValue<bool>());

        var eventsQueueArn = "${" + stack.Id("AWS::SQS::Queue", "QueuesEventsQueue") + ".Arn}";
        var configurations = properties["NotificationConfiguration"]!["QueueConfigurations"]!.AsArray();
        Assert.All(configurations, c => Assert.Equal(eventsQueueArn, Render(c!["QueueArn"])));
        Assert.Equal(
            ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
            configurations.SelectMany(c => RenderAll(c!["Events"])).Order());

        // S3 checks that it may deliver before it accepts the configuration, so the queue policy must exist first.
        var eventsPolicy = stack.Resources("AWS::SQS::QueuePolicy")
            .Single(p => RenderAll(p.Resource["Properties"]!["Queues"]).Contains("${" + stack.Id("AWS::SQS::Queue", "QueuesEventsQueue") + "}")).Id;
        Assert.Contains(eventsPolicy, RenderAll(notifications["DependsOn"]));
    }

    [Fact]
    public void NotificationHandlerMayOnlyConfigureTheNamedBuckets()
    {
        var stack = stacks.PutSide;
        var handlerPolicy = stack.Resources("AWS::IAM::Policy").Single(p => p.Id.StartsWith("BucketNotificationsHandler", StringComparison.Ordinal));
        var statement = Assert.Single(handlerPolicy.Resource["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray())!;
        Assert.Equal(["s3:GetBucketNotification", "s3:PutBucketNotification"], RenderAll(statement["Action"]).Order());
        Assert.Equal([PhotosBucketArn], RenderAll(statement["Resource"]));
    }

    [Fact]
    public void EventsQueueNameIsPassedToTheSilos()
    {
        var stack = stacks.PutSide;
        Assert.Equal("${" + stack.Id("AWS::SQS::Queue", "QueuesEventsQueue") + ".QueueName}", stack.SiloEnvironment()["S3Migrate__Cluster__EventsQueueName"]);
    }
}
