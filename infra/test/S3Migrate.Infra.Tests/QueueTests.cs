using S3Migrate.Infra.Tests.Support;
using Xunit;
using static S3Migrate.Infra.Tests.Support.Intrinsics;

namespace S3Migrate.Infra.Tests;

[Collection(SharedStacksDefinition.Name)]
public sealed class QueueTests(Stacks stacks)
{
    private const int FourteenDaysInSeconds = 14 * 24 * 60 * 60;

    [Fact]
    public void JobsQueueRedrivesToDlqAfter24Receives()
    {
        var stack = stacks.PutSide;
        var redrive = stack.Properties(stack.Id("AWS::SQS::Queue", "QueuesJobsQueue"))["RedrivePolicy"]!;
        Assert.Equal(24, redrive["maxReceiveCount"]!.GetValue<int>());
        Assert.Equal("${" + stack.Id("AWS::SQS::Queue", "QueuesDeadLetterQueue") + ".Arn}", Render(redrive["deadLetterTargetArn"]));
    }

    [Fact]
    public void MaxReceiveCountIsConfigurable()
    {
        var stack = stacks.GetSide;
        var redrive = stack.Properties(stack.Id("AWS::SQS::Queue", "QueuesJobsQueue"))["RedrivePolicy"]!;
        Assert.Equal(7, redrive["maxReceiveCount"]!.GetValue<int>());
    }

    [Fact]
    public void JobsQueueVisibilityTimeoutIsTheOneTheSiloHeartbeatsAgainst()
    {
        foreach (var (stack, expected) in new[] { (stacks.PutSide, 300), (stacks.GetSide, 600) })
        {
            var queue = stack.Properties(stack.Id("AWS::SQS::Queue", "QueuesJobsQueue"));
            Assert.Equal(expected, queue["VisibilityTimeout"]!.GetValue<int>());
            Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), stack.SiloEnvironment()["S3Migrate__Cluster__JobVisibilityTimeoutSeconds"]);
        }
    }

    [Fact]
    public void EveryQueueKeepsMessagesFor14DaysEncrypted()
    {
        var queues = stacks.PutSide.Resources("AWS::SQS::Queue").ToList();
        Assert.Equal(3, queues.Count);
        Assert.All(queues, q =>
        {
            Assert.Equal(FourteenDaysInSeconds, q.Resource["Properties"]!["MessageRetentionPeriod"]!.GetValue<int>());
            Assert.True(q.Resource["Properties"]!["SqsManagedSseEnabled"]!.GetValue<bool>());
        });
    }

    [Fact]
    public void EveryQueueRefusesUnencryptedTransport()
    {
        var stack = stacks.PutSide;
        foreach (var (id, _) in stack.Resources("AWS::SQS::Queue"))
        {
            var denies = stack.Resources("AWS::SQS::QueuePolicy")
                .Where(p => RenderAll(p.Resource["Properties"]!["Queues"]).Contains("${" + id + "}"))
                .SelectMany(p => p.Resource["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray())
                .Where(s => s!["Effect"]!.GetValue<string>() == "Deny"
                    && s["Condition"]?["Bool"]?["aws:SecureTransport"]?.GetValue<string>() == "false");
            Assert.Single(denies);
        }
    }

    [Fact]
    public void WorkQueuesLongPollAndTheDeadLetterQueueRedrivesNowhere()
    {
        var stack = stacks.PutSide;
        foreach (var prefix in new[] { "QueuesJobsQueue", "QueuesEventsQueue" })
        {
            Assert.Equal(20, stack.Properties(stack.Id("AWS::SQS::Queue", prefix))["ReceiveMessageWaitTimeSeconds"]!.GetValue<int>());
        }

        Assert.Null(stack.Properties(stack.Id("AWS::SQS::Queue", "QueuesDeadLetterQueue"))["RedrivePolicy"]);
    }

    [Fact]
    public void JobsQueueNameIsPassedToTheSilos()
    {
        var stack = stacks.GetSide;
        Assert.Equal("${" + stack.Id("AWS::SQS::Queue", "QueuesJobsQueue") + ".QueueName}", stack.SiloEnvironment()["S3Migrate__Cluster__JobsQueueName"]);
        Assert.False(stack.SiloEnvironment().ContainsKey("S3Migrate__Cluster__EventsQueueName"));
    }
}
