using Amazon.SQS.Model;
using Orleans.Streams;
using S3Migrate.Orleans.Aws.Streaming;
using S3Migrate.Testing;

namespace S3Migrate.Orleans.Aws.Tests.Streaming;

/// <summary>The SQS stream provider's adapter, receiver and leases against fauxqs.</summary>
[Collection(StandInsCollection.Name)]
public sealed class SqsStreamProviderTests(StandInsFixture standIns)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task SendsShareBatchesAndDeliveredMessagesStayUntilTheirConsumerDeletesThem()
    {
        await using var bed = SqsTestBed.Create(standIns.StandIns);
        var events = Enumerable.Range(0, 25).Select(static i => (Key: i % 2 == 0 ? "even" : "odd", Value: $"event-{i}")).ToList();
        await Task.WhenAll(events.Select(e => bed.Factory.QueueMessageBatchAsync(SqsTestBed.TestCodec.Stream(e.Key), [e.Value], null, null)));
        Assert.InRange(bed.Count("SendMessageBatch"), 3, 6);
        Assert.Equal(0, bed.Count("SendMessage"));

        var receiver = await bed.ReceiverAsync();
        var received = await SqsTestBed.ReceiveAsync(receiver, events.Count, Bound);
        Assert.Equal(
            events.Select(static e => $"{e.Key}/{e.Value}").Order(StringComparer.Ordinal),
            received.Select(static b => $"{b.StreamId.GetKeyAsString()}/{b.GetEvents<string>().Single().Item1}").Order(StringComparer.Ordinal));
        Assert.Equal(received.Count, received.Select(static b => b.Token.SequenceNumber).Distinct().Count());

        // Delivered is not done: the cache handing the batches back deletes nothing.
        await receiver.MessagesDeliveredAsync([.. received], CancellationToken.None);
        Assert.Equal((0, events.Count), await bed.DepthAsync());

        await Task.WhenAll(received.Select(b => bed.Leases.DeleteAsync(b.GetEvents<string>().Single().Item2)));
        Assert.Equal((0, 0), await bed.WaitEmptyAsync(Bound));
        Assert.InRange(bed.Count("DeleteMessageBatch"), 3, 6);
        Assert.Equal(0, bed.Count("DeleteMessage"));
        await receiver.Shutdown(TimeSpan.FromSeconds(1), CancellationToken.None);
    }

    [Fact]
    public async Task AHeldMessageStaysInvisiblePastItsVisibilityTimeoutAndReturnsWhenLetGo()
    {
        await using var bed = SqsTestBed.Create(standIns.StandIns, o =>
        {
            // Periods of 1 s: a heartbeat extends a message with at least one period left, and a tick delayed by
            // more than that on a loaded machine would let the message go (seen with periods of 0.5 s).
            o.VisibilityTimeout = TimeSpan.FromSeconds(4);
            o.HeartbeatPeriod = TimeSpan.FromSeconds(1);
        });
        await bed.Factory.QueueMessageBatchAsync(SqsTestBed.TestCodec.Stream("long"), ["job"], null, null);
        var receiver = await bed.ReceiverAsync();
        var first = Assert.Single(await SqsTestBed.ReceiveAsync(receiver, 1, Bound));
        Assert.True(bed.Leases.Hold(first.Token));

        // Three visibility timeouts later, still nobody else gets it.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(12);
        while (DateTime.UtcNow < until)
        {
            Assert.Empty(await receiver.GetQueueMessagesAsync(10, CancellationToken.None));
        }

        // A heartbeat comes when less than two periods (2 s) are left, and extends by the visibility timeout (4 s): one
        // every two or three periods, not one each period (12).
        var heartbeats = bed.Count("ChangeMessageVisibilityBatch");
        Assert.True(heartbeats is >= 3 and <= 8, $"{heartbeats} heartbeats");

        // Let go (as when its silo dies): it comes back, received a second time.
        bed.Leases.Forget(first.Token);
        var again = Assert.Single(await SqsTestBed.ReceiveAsync(receiver, 1, Bound));
        Assert.Equal(first.Token.MessageId, again.Token.MessageId);
        Assert.True(bed.Codec.Decoded.Last().ReceiveCount >= 2);
        await bed.Leases.DeleteAsync(again.Token);
        Assert.Equal((0, 0), await bed.WaitEmptyAsync(Bound));
    }

    [Fact]
    public async Task AReleasedMessageComesBackAtOnce()
    {
        await using var bed = SqsTestBed.Create(standIns.StandIns, o => o.ReleasedVisibility = TimeSpan.Zero);
        await bed.Factory.QueueMessageBatchAsync(SqsTestBed.TestCodec.Stream("k"), ["v"], null, null);
        var receiver = await bed.ReceiverAsync();
        var first = Assert.Single(await SqsTestBed.ReceiveAsync(receiver, 1, Bound));
        bed.Leases.Hold(first.Token);
        await bed.Leases.ReleaseAsync(first.Token);

        // Back well before its 30 s visibility timeout.
        var again = Assert.Single(await SqsTestBed.ReceiveAsync(receiver, 1, TimeSpan.FromSeconds(5)));
        Assert.Equal(first.Token.MessageId, again.Token.MessageId);
    }

    [Fact]
    public async Task RejectedMessagesAreLeftToTheRedrivePolicyAndLandInTheDeadLetterQueue()
    {
        await using var bed = SqsTestBed.Create(standIns.StandIns, o => o.RejectedVisibility = TimeSpan.FromSeconds(1));
        var dlqUrl = (await bed.Raw.CreateQueueAsync(bed.QueueName + "-dlq")).QueueUrl;
        var dlqArn = (await bed.Raw.GetQueueAttributesAsync(dlqUrl, ["QueueArn"])).QueueARN;
        var queueUrl = (await bed.Raw.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = bed.QueueName,
            Attributes = new Dictionary<string, string> { ["RedrivePolicy"] = $"{{\"deadLetterTargetArn\":\"{dlqArn}\",\"maxReceiveCount\":\"2\"}}" },
        })).QueueUrl;
        await bed.Raw.SendMessageAsync(queueUrl, "reject me: not a job");
        await bed.Raw.SendMessageAsync(queueUrl, "good|event");

        var receiver = await bed.ReceiverAsync();
        var delivered = new List<SqsBatchContainer>();
        var deadline = DateTime.UtcNow + Bound;
        var inDlq = 0;
        while (inDlq == 0 && DateTime.UtcNow < deadline)
        {
            delivered.AddRange((await receiver.GetQueueMessagesAsync(10, CancellationToken.None)).Cast<SqsBatchContainer>());
            inDlq = (await bed.DepthAsync(bed.QueueName + "-dlq")).Visible;
        }

        Assert.Equal(1, inDlq);
        var dead = Assert.Single((await bed.Raw.ReceiveMessageAsync(dlqUrl)).Messages);
        Assert.Equal("reject me: not a job", dead.Body);
        Assert.Equal(2, bed.Codec.Decoded.Count(static m => m.Body.StartsWith("reject", StringComparison.Ordinal)));
        var good = Assert.Single(delivered);
        Assert.Equal("event", good.GetEvents<string>().Single().Item1);
    }

    [Fact]
    public async Task DroppedMessagesAreDeletedAndMessagesForSeveralStreamsAreSplitOnePerStream()
    {
        await using var bed = SqsTestBed.Create(standIns.StandIns);
        var url = await bed.Queues.UrlAsync(bed.QueueName, CancellationToken.None);
        await bed.Raw.SendMessageAsync(url, "drop");
        await bed.Raw.SendMessageAsync(url, "split:a,b,c");

        var receiver = await bed.ReceiverAsync();
        var parts = await SqsTestBed.ReceiveAsync(receiver, 3, Bound);
        Assert.Equal(["a-part", "b-part", "c-part"], parts.Select(static p => p.GetEvents<string>().Single().Item1).Order(StringComparer.Ordinal));
        Assert.Equal(["a", "b", "c"], parts.Select(static p => p.StreamId.GetKeyAsString()).Order(StringComparer.Ordinal));
        await Task.WhenAll(parts.Select(p => bed.Leases.DeleteAsync(p.Token)));

        // The test event and the split original are gone with the parts.
        Assert.Equal((0, 0), await bed.WaitEmptyAsync(Bound));
    }

    [Fact]
    public async Task AShutGateReceivesNothing()
    {
        await using var bed = SqsTestBed.Create(standIns.StandIns, gate: new ClosedGate());
        await bed.Factory.QueueMessageBatchAsync(SqsTestBed.TestCodec.Stream("k"), ["v"], null, null);
        var receiver = await bed.ReceiverAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Empty(await receiver.GetQueueMessagesAsync(10, CancellationToken.None));
        }

        Assert.Equal(0, bed.Count("ReceiveMessage"));
        Assert.Equal((1, 0), await bed.DepthAsync());
    }

    [Fact]
    public async Task TheAgentsOfOneSiloLongPollAPhysicalQueueOneAtATime()
    {
        await using var bed = SqsTestBed.Create(standIns.StandIns, o => o.PartitionCount = 4);
        var receivers = new List<IQueueAdapterReceiver>();
        foreach (var queue in bed.Factory.GetStreamQueueMapper().GetAllQueues())
        {
            var receiver = bed.Factory.CreateReceiver(queue);
            await receiver.Initialize(TimeSpan.FromSeconds(5), CancellationToken.None);
            receivers.Add(receiver);
        }

        // Four idle agents polling for about three long polls: one of them receives, the others return at once.
        var polls = await Task.WhenAll(receivers.Select(async receiver =>
        {
            var calls = 0;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
            while (DateTime.UtcNow < deadline)
            {
                Assert.Empty(await receiver.GetQueueMessagesAsync(10, CancellationToken.None));
                calls++;
                await Task.Delay(50);
            }

            return calls;
        }));
        var receives = bed.Count("ReceiveMessage");
        Assert.InRange(receives, 2, 4);
        Assert.True(polls.Sum() > receives * 4, $"{polls.Sum()} polls, {receives} receives");

        // A message sent meanwhile still reaches whichever agent holds the receive.
        await bed.Factory.QueueMessageBatchAsync(SqsTestBed.TestCodec.Stream("late"), ["v"], null, null);
        var got = new List<SqsBatchContainer>();
        var until = DateTime.UtcNow + Bound;
        while (got.Count == 0 && DateTime.UtcNow < until)
        {
            foreach (var batch in await Task.WhenAll(receivers.Select(r => r.GetQueueMessagesAsync(10, CancellationToken.None))))
            {
                got.AddRange(batch.Cast<SqsBatchContainer>());
            }
        }

        Assert.Equal("late", Assert.Single(got).StreamId.GetKeyAsString());
    }

    [Fact]
    public async Task MessagesOfALongPollTheAgentStoppedWaitingForComeBackAtOnce()
    {
        // A visibility timeout far longer than the test: only letting go can bring the message back in time.
        await using var bed = SqsTestBed.Create(standIns.StandIns, o =>
        {
            o.ReceiveWaitTime = TimeSpan.FromSeconds(5);
            o.VisibilityTimeout = TimeSpan.FromMinutes(5);
        });
        var receiver = await bed.ReceiverAsync();
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        Assert.Empty(await receiver.GetQueueMessagesAsync(10, stop.Token));

        // The abandoned poll is still open at SQS and takes this message; it must not keep it hidden.
        await bed.Factory.QueueMessageBatchAsync(SqsTestBed.TestCodec.Stream("abandoned"), ["v"], null, null);
        var again = Assert.Single(await SqsTestBed.ReceiveAsync(receiver, 1, TimeSpan.FromSeconds(15)));
        Assert.Equal("abandoned", again.StreamId.GetKeyAsString());
        Assert.Equal(2, bed.Codec.Decoded.Last().ReceiveCount);
    }

    [Fact]
    public void OptionsThatCannotWorkAreRefusedNamingTheSetting()
    {
        var problems = new SqsStreamOptions { QueueNames = [], VisibilityTimeout = TimeSpan.FromSeconds(30), HeartbeatPeriod = TimeSpan.FromMinutes(1), ReceiveWaitTime = TimeSpan.FromSeconds(30) }
            .Validate().ToList();
        Assert.Contains(problems, static p => p.Contains("queue name", StringComparison.Ordinal));
        Assert.Contains(problems, static p => p.Contains("HeartbeatPeriod", StringComparison.Ordinal));
        Assert.Contains(problems, static p => p.Contains("ReceiveWaitTime", StringComparison.Ordinal));
    }
}
