using System.Text.Json;
using Orleans.Runtime;
using S3Migrate.Abstractions;
using S3Migrate.Grains.Jobs;
using S3Migrate.Grains.Options;
using S3Migrate.Grains.Scheduling;
using S3Migrate.Grains.Progress;
using S3Migrate.Orleans.Aws.Streaming;

namespace S3Migrate.Silo.Streams;

/// <summary>
/// Job streams over SQS: writes the job messages of docs/job-messages.md, and reads them back along with S3 event
/// notifications, which become jobs through the routes of the migrations that follow their bucket.
/// </summary>
public sealed class SqsJobCodec(MigrationRoutes routes, ProgressAggregator progress, MigrationEngineOptions options, TransferScheduler scheduler) : ISqsMessageCodec
{
    private const string OwnMessagePrefix = "{\"type\":\"" + JobMessages.Type + "\"";

    public IReadOnlyList<string> Encode(StreamId stream, IReadOnlyList<object> events)
    {
        var bodies = new List<string>();
        foreach (var item in events)
        {
            bodies.AddRange(item switch
            {
                ObjectJob job => JobMessages.EncodeWithin([job], null, SqsMessageLeases.MaxMessageBytes),
                JobBatch batch => JobMessages.EncodeWithin(batch.Jobs, batch.BatchId, SqsMessageLeases.MaxMessageBytes),
                _ => throw new ArgumentException($"stream {stream} carries {item.GetType().Name}, which has no job message form", nameof(events)),
            });
        }

        return bodies;
    }

    public async ValueTask<SqsDecoded> DecodeAsync(SqsReceivedMessage message, CancellationToken cancellationToken)
    {
        if (!message.Body.StartsWith(OwnMessagePrefix, StringComparison.Ordinal))
        {
            using var document = Parse(message.Body, out var error);
            if (document is null)
            {
                return SqsDecoded.Reject(error!);
            }

            if (S3EventNotifications.IsNotification(document.RootElement))
            {
                return await EventsAsync(document.RootElement, cancellationToken);
            }
        }

        JobMessage decoded;
        try
        {
            decoded = JobMessages.Decode(message.Body);
        }
        catch (FormatException e)
        {
            return SqsDecoded.Reject(e.Message);
        }

        var jobs = new List<ObjectJob>(decoded.Jobs.Count);
        foreach (var entry in decoded.Jobs)
        {
            var spec = await routes.SpecAsync(entry.MigrationId, cancellationToken);
            if (spec is null)
            {
                return SqsDecoded.Reject($"migration '{entry.MigrationId}' does not exist");
            }

            if (entry.DestinationBucket is { } bucket && entry.DestinationKey is { } key)
            {
                jobs.Add(entry.ToJob(bucket, key));
                continue;
            }

            var mapped = MigrationRoutes.Map(spec, entry.SourceBucket, entry.SourceKey).ToList();
            if (mapped.Count == 0)
            {
                return SqsDecoded.Reject($"no route of migration '{entry.MigrationId}' covers s3://{entry.SourceBucket}/{entry.SourceKey}");
            }

            jobs.Add(entry.ToJob(mapped[0].Route.DestinationBucket, mapped[0].DestinationKey));
        }

        // The jobs are on their way to this silo's scheduler: until they ask for slots, the receive gate counts them.
        scheduler.Expect(Math.Min(jobs.Count, options.MaxParallelFile));
        if (jobs.Count == 1 && decoded.BatchId is null)
        {
            return SqsDecoded.Deliver([new SqsStreamEvents(StreamId.Create(StreamNames.ObjectJobs, jobs[0].DestinationId), [jobs[0]])]);
        }

        // Small copies go to a batch worker; a message with any other job is a group whose jobs run in their objects' grains.
        var batchId = decoded.BatchId ?? "sqs/" + message.MessageId;
        var streamNamespace = jobs.TrueForAll(options.TravelsInBatches) ? StreamNames.Batches : StreamNames.ObjectGroups;
        return SqsDecoded.Deliver([new SqsStreamEvents(StreamId.Create(streamNamespace, batchId), [new JobBatch(batchId, jobs)])]);
    }

    /// <summary>
    /// ObjectCreated:* copies and ObjectRemoved:* deletes (when the migration asks for it) through every following
    /// migration whose route covers the key; each object's job goes to its own grain, which orders events by sequencer.
    /// </summary>
    private async ValueTask<SqsDecoded> EventsAsync(JsonElement root, CancellationToken cancellationToken)
    {
        IReadOnlyList<S3EventRecord>? records;
        try
        {
            records = S3EventNotifications.Parse(root);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return SqsDecoded.Reject("S3 notification: " + e.Message);
        }

        if (records is null)
        {
            return SqsDecoded.Drop("s3:TestEvent");
        }

        var streams = new List<SqsStreamEvents>();
        string? unrouted = null;
        foreach (var record in records)
        {
            var routed = await routes.RouteAsync(record.Bucket, record.Key, cancellationToken);
            if (routed.Count == 0)
            {
                unrouted ??= $"no migration follows s3://{record.Bucket}/{record.Key}";
                continue;
            }

            foreach (var target in routed)
            {
                var kind = record.IsCreated ? JobKind.Copy : record.IsRemoved && target.Spec.Options.DeleteOnSourceRemoval ? JobKind.Delete : (JobKind?)null;
                if (kind is null)
                {
                    continue;
                }

                var job = new ObjectJob
                {
                    MigrationId = target.MigrationId,
                    Kind = kind.Value,
                    SourceBucket = record.Bucket,
                    SourceKey = record.Key,
                    DestinationBucket = target.Route.DestinationBucket,
                    DestinationKey = target.DestinationKey,
                    SourceVersionId = kind == JobKind.Copy ? record.VersionId : null,
                    ExpectedETag = kind == JobKind.Copy ? record.ETag : null,
                    ExpectedSize = kind == JobKind.Copy ? record.Size : -1,
                    Sequencer = record.Sequencer,
                };
                if (kind == JobKind.Copy)
                {
                    progress.Add(job.MigrationId, new MigrationCounters { ObjectsDiscovered = 1, BytesDiscovered = Math.Max(0, record.Size) });
                }

                streams.Add(new SqsStreamEvents(StreamId.Create(StreamNames.ObjectJobs, job.DestinationId), [job]));
            }
        }

        scheduler.Expect(Math.Min(streams.Count, options.MaxParallelFile));
        return streams.Count > 0 ? SqsDecoded.Deliver(streams)
            : unrouted is not null && records.All(r => r.IsCreated || r.IsRemoved) ? SqsDecoded.Reject(unrouted)
            : SqsDecoded.Drop("no event asks for work (removals are not followed, or other event types)");
    }

    private static JsonDocument? Parse(string body, out string? error)
    {
        try
        {
            error = null;
            return JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            error = "not JSON: " + e.Message;
            return null;
        }
    }
}
