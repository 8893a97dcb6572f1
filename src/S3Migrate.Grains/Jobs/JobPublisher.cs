using Orleans.Runtime;
using S3Migrate.Abstractions;
using S3Migrate.Grains.Options;
using S3Migrate.Grains.Progress;
using S3Migrate.Transfer.Diff;

namespace S3Migrate.Grains.Jobs;

/// <summary>
/// Turns diff entries into jobs on the job streams: small objects many per event (to a batch worker), large ones a
/// few per event (a group, whose jobs each go to their object's grain), a lone large one to its object's grain. Only
/// objects the migration's ledger lets through are published, and publishing waits while the ledger is full.
/// </summary>
public sealed class JobPublisher(IClusterClient client, ProgressAggregator progress, MigrationEngineOptions options, TimeProvider time)
{
    /// <summary>How often a full ledger is asked again.</summary>
    private static readonly TimeSpan FullLedgerPoll = TimeSpan.FromSeconds(1);

    /// <summary>Publishes the batch's jobs and empties it; returns how many jobs went out.</summary>
    public async Task<long> PublishAsync(Batch batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return 0;
        }

        var jobs = batch.Take();
        var ledger = client.GetGrain<IJobLedgerGrain>(batch.MigrationId);
        while (await ledger.CountAsync() >= options.MaxQueuedJobs)
        {
            await Task.Delay(FullLedgerPoll, time, cancellationToken);
        }

        var acquired = (await ledger.AcquireAsync([.. jobs.Select(static j => j.DestinationId)])).ToHashSet(StringComparer.Ordinal);
        var provider = client.GetStreamProvider(StreamNames.Provider);
        var small = new List<ObjectJob>();
        var large = new List<ObjectJob>();
        var sends = new List<Task>();
        long published = 0;
        long bytes = 0;
        foreach (var job in jobs.Where(j => acquired.Contains(j.DestinationId)))
        {
            published++;
            bytes += Math.Max(0, job.ExpectedSize);
            if (options.TravelsInBatches(job))
            {
                small.Add(job);
                continue;
            }

            large.Add(job);
        }

        foreach (var chunk in large.Chunk(options.LargeObjectsPerMessage))
        {
            if (chunk.Length == 1)
            {
                sends.Add(provider.GetStream<ObjectJob>(StreamId.Create(StreamNames.ObjectJobs, chunk[0].DestinationId)).OnNextAsync(chunk[0]));
                continue;
            }

            SendBatch(StreamNames.ObjectGroups, chunk);
        }

        foreach (var chunk in small.Chunk(options.SmallObjectBatchSize))
        {
            SendBatch(StreamNames.Batches, chunk);
        }

        void SendBatch(string streamNamespace, ObjectJob[] chunk)
        {
            var id = batch.MigrationId + "/" + Guid.NewGuid().ToString("N");
            sends.Add(provider.GetStream<JobBatch>(StreamId.Create(streamNamespace, id)).OnNextAsync(new JobBatch(id, chunk)));
        }

        // All at once, so a queue-backed provider can put several in one request (SQS: ten to a SendMessageBatch).
        await Task.WhenAll(sends);

        progress.Add(batch.MigrationId, new MigrationCounters { ObjectsDiscovered = published, BytesDiscovered = bytes });
        return published;
    }

    /// <summary>Diff entries waiting to be published.</summary>
    public sealed class Batch(string migrationId, MigrationRoute route, int round)
    {
        private List<ObjectJob> _jobs = [];

        public string MigrationId { get; } = migrationId;

        public int Count => _jobs.Count;

        public bool IsFull(int size) => _jobs.Count >= size;

        public void Add(DiffEntry entry) => _jobs.Add(new ObjectJob
        {
            MigrationId = MigrationId,
            SourceBucket = route.SourceBucket,
            SourceKey = entry.SourceKey,
            DestinationBucket = route.DestinationBucket,
            DestinationKey = entry.DestinationKey,
            Kind = entry.Kind == DiffKind.Extra ? JobKind.Delete : JobKind.Copy,
            ExpectedETag = entry.Source?.ETag,
            ExpectedSize = entry.Source?.Size ?? -1,
            Round = round,
        });

        public void Add(ObjectJob job) => _jobs.Add(job);

        public List<ObjectJob> Take()
        {
            var jobs = _jobs;
            _jobs = [];
            return jobs;
        }
    }
}
