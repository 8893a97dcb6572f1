using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Streams;
using S3Migrate.Abstractions;
using S3Migrate.Grains.Jobs;
using S3Migrate.LocalS3.Faults;

namespace S3Migrate.Grains.Tests;

/// <summary>
/// Large objects travel several to a message (a group): each runs in its own object's grain, and the message is
/// acknowledged once, only when every object of the group is done.
/// </summary>
public sealed class ObjectGroupTests : IAsyncLifetime
{
    private const int MiB = MigrationCluster.MiB;

    private readonly RecordingAcknowledgement _acknowledgement = new();
    private MigrationCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await MigrationCluster.StartAsync(silos: 2, services: s => s.AddSingleton<IJobAcknowledgement>(_acknowledgement));
        _acknowledgement.Probe = () => _cluster.S3.China.Counters.Requests("CompleteMultipartUpload");
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task AGroupIsAcknowledgedOnceWhenItsLastObjectIsDone()
    {
        var (source, destination) = await _cluster.BucketsAsync();
        var id = "group-" + Guid.NewGuid().ToString("N")[..8];
        await _cluster.Client.GetGrain<IMigrationGrain>(id).StartAsync(MigrationCluster.Spec(source, destination, "nothing-here/"));
        Assert.Equal(MigrationState.Completed, (await _cluster.WaitAsync(id, TimeSpan.FromSeconds(30))).State);

        // Two quick objects and a slow one (more parts than its object may send at once, every request delayed).
        var sizes = new[] { 11 * MiB, 12 * MiB, 41 * MiB };
        var objects = sizes.Select((size, i) => (Key: $"group/{i}.bin", Data: MigrationCluster.Bytes(size, 40 + i))).ToList();
        foreach (var (key, data) in objects)
        {
            await _cluster.PutSourceAsync(source, key, data);
        }

        _cluster.S3.China.Faults.Apply(new FaultSettings { Latency = TimeSpan.FromMilliseconds(60) });
        _cluster.S3.China.Counters.Reset();
        var jobs = objects.Select(o => new ObjectJob
        {
            MigrationId = id,
            SourceBucket = source,
            SourceKey = o.Key,
            DestinationBucket = destination,
            DestinationKey = o.Key,
            ExpectedSize = o.Data.Length,
        }).ToList();
        var groupId = id + "/g1";
        await _cluster.Client.GetStreamProvider(StreamNames.Provider)
            .GetStream<JobBatch>(StreamId.Create(StreamNames.ObjectGroups, groupId)).OnNextAsync(new JobBatch(groupId, jobs));

        await MigrationTests.WaitUntilAsync(() => Task.FromResult(_acknowledgement.Acknowledged.Any(static a => a.Stream.GetNamespace() == StreamNames.ObjectGroups)), TimeSpan.FromSeconds(60));
        await Task.Delay(500);
        _cluster.S3.China.Faults.Clear();

        // One acknowledgement of the group's message, made after the last object completed; none released.
        var group = Assert.Single(_acknowledgement.Acknowledged, static a => a.Stream.GetNamespace() == StreamNames.ObjectGroups);
        Assert.Equal(groupId, group.Stream.GetKeyAsString());
        Assert.Equal(objects.Count, (int)group.CompletedUploadsThen);
        Assert.Empty(_acknowledgement.Released);
        foreach (var (key, data) in objects)
        {
            Assert.Equal(data, await _cluster.GetDestinationAsync(destination, key));
        }

        MigrationTests.AssertEachPartSentOnce(_cluster.S3.China.Counters.Journal());

        // Each object ran in its own grain.
        foreach (var (key, _) in objects)
        {
            var status = await _cluster.Client.GetGrain<IMigrationJobGrain>(destination + "/" + key).GetStatusAsync();
            Assert.Equal(ObjectState.Verified, status.State);
        }
    }

    /// <summary>What consumers told the stream provider, with the number of completed uploads at each acknowledgement.</summary>
    private sealed class RecordingAcknowledgement : IJobAcknowledgement
    {
        public Func<long> Probe { get; set; } = static () => 0;

        public ConcurrentBag<(StreamId Stream, long CompletedUploadsThen)> Acknowledged { get; } = [];

        public ConcurrentBag<StreamSequenceToken?> Released { get; } = [];

        public void Hold(StreamSequenceToken? token)
        {
        }

        public Task AcknowledgeAsync(StreamId stream, StreamSequenceToken? token, CancellationToken cancellationToken)
        {
            Acknowledged.Add((stream, Probe()));
            return Task.CompletedTask;
        }

        public Task ReleaseAsync(StreamSequenceToken? token)
        {
            Released.Add(token);
            return Task.CompletedTask;
        }
    }
}
