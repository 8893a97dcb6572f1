using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using S3Migrate.Abstractions;
using S3Migrate.Grains.Endpoints;
using S3Migrate.Grains.Jobs;
using S3Migrate.Grains.Options;
using S3Migrate.Grains.Progress;
using S3Migrate.Transfer.Diff;
using S3Migrate.Transfer.Listing;
using S3Migrate.Transfer.Retry;

namespace S3Migrate.Grains.Grains;

/// <summary>
/// Diffs one route (or one key range of it) for one round: lists source and destination in key order, merges them,
/// and publishes a job for every object missing or different at the destination — small objects many per message.
/// Large routes are split into child diffs along their folders, so listing runs in parallel across silos. The
/// position is checkpointed; objects already queued or running (the migration's ledger) are not published again.
/// </summary>
[GrainType("s3m.diff")]
public sealed partial class BucketDiffGrain(
    [PersistentState("diff")] IPersistentState<BucketDiffState> state,
    EndpointRegistry endpoints, JobPublisher publisher, ProgressAggregator progress, MigrationEngineOptions options,
    TimeProvider time, ILogger<BucketDiffGrain> logger) : Grain, IBucketDiffGrain, IDisposable
{
    /// <summary>A route splits into child diffs when its folders give at least this many ranges.</summary>
    public const int MinimumRangesToSplit = 4;

    /// <summary>How often the position is saved while diffing (saves are cheap, but not free in DynamoDB).</summary>
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private Task? _worker;
    private IGrainTimer? _keepAlive;

    public Task StartAsync(DiffAssignment assignment)
    {
        if (state.State.Assignment is null)
        {
            state.State.Assignment = assignment;
        }

        if (state.State.Finished)
        {
            // Started again after it finished (a lost answer): tell the migration again.
            _worker ??= ReportAsync();
            return Task.CompletedTask;
        }

        if (_worker is null || _worker.IsCompleted)
        {
            _keepAlive ??= GrainKeepAlive.Start(this);
            _worker = RunAsync();
        }

        return Task.CompletedTask;
    }

    public Task ResumeAsync() =>
        state.State.Assignment is { } assignment ? StartAsync(assignment) : Task.CompletedTask;

    public async Task CancelAsync() => await _stopping.CancelAsync();

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _keepAlive?.Dispose();
        await _stopping.CancelAsync();
        if (_worker is not null)
        {
            await Task.WhenAny(_worker, Task.Delay(Timeout.Infinite, cancellationToken));
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RunAsync()
    {
        await Task.Yield();
        var assignment = state.State.Assignment!;

        // While the diff runs this silo keeps reporting the migration as active (a long diff of identical objects
        // publishes nothing for a while, and must not look stalled).
        using var active = progress.Activity(assignment.MigrationId);
        try
        {
            await DiffAsync(assignment, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            await WriteStateAsync();
            return;
        }
        catch (Exception e) when (e is PermanentTransferException or ListingOrderException or ArgumentException or KeyNotFoundException)
        {
            state.State.Error = e.Message;
            LogDiffFailed(logger, this.GetPrimaryKeyString(), e.Message);
        }

        state.State.Finished = true;
        await WriteStateAsync();
        _keepAlive?.Dispose();
        _keepAlive = null;
        await ReportAsync();
    }

    private async Task DiffAsync(DiffAssignment assignment, CancellationToken cancellationToken)
    {
        var spec = assignment.Spec;
        var route = spec.Routes[assignment.RouteIndex];
        var source = endpoints.Get(spec.SourceEndpoint);
        var destination = endpoints.Get(spec.DestinationEndpoint);
        var retries = endpoints.Copier(spec.SourceEndpoint, spec.DestinationEndpoint).Retries;
        var sourceLister = new S3ObjectLister(source, retries, new ListingOptions { RequesterPays = spec.Options.RequesterPaysSource });
        var destinationLister = new S3ObjectLister(destination, retries);
        var mapping = new KeyMapping(route.SourcePrefix, route.DestinationPrefix);

        if (state.State.ChildAssignments.Count > 0)
        {
            // Split before this activation (its silo was lost): make sure every child runs; starting one twice is harmless.
            await StartChildrenAsync();
            return;
        }

        if (assignment.MaySplit && state.State.Checkpoint is null)
        {
            var ranges = await new PrefixDiscovery(sourceLister).DiscoverRangesAsync(route.SourceBucket, route.SourcePrefix, cancellationToken);
            if (ranges.Count >= MinimumRangesToSplit)
            {
                await SplitAsync(assignment, ranges);
                return;
            }
        }

        var range = new KeyRange(route.SourcePrefix, assignment.After, assignment.UpTo);
        var after = state.State.Checkpoint ?? assignment.After;
        var sourceObjects = Until(sourceLister.ListAsync(route.SourceBucket, route.SourcePrefix, after, cancellationToken), range.IsPast, cancellationToken);
        var destinationObjects = Until(
            destinationLister.ListAsync(route.DestinationBucket, route.DestinationPrefix, after is null ? null : mapping.Map(after), cancellationToken),
            key => mapping.IsDestinationKey(key) && range.IsPast(mapping.Unmap(key)),
            cancellationToken);
        var differ = new BucketDiffer(new DiffOptions
        {
            Mapping = mapping,
            Filter = new KeyFilter(spec.Options.Include, spec.Options.Exclude),
            SourceBucket = route.SourceBucket,
            CompareLastModified = spec.Options.CompareLastModified,
            CompareETags = spec.Options.Encryption != "aws:kms",
            IncludeExtras = spec.Options.DeleteExtras,
            EmitSame = true,
        });

        var batch = new JobPublisher.Batch(assignment.MigrationId, route, assignment.Round);
        var lastSave = time.GetTimestamp();
        await foreach (var entry in differ.DiffAsync(sourceObjects, destinationObjects, cancellationToken: cancellationToken))
        {
            if (entry.Kind == DiffKind.Same)
            {
                state.State.ObjectsSame++;
                state.State.BytesSame += entry.Source?.Size ?? 0;
                continue;
            }

            if (entry.Kind is DiffKind.Missing or DiffKind.Changed or DiffKind.Extra)
            {
                batch.Add(entry);
            }

            if (batch.IsFull(options.SmallObjectBatchSize))
            {
                state.State.JobsEmitted += await publisher.PublishAsync(batch, cancellationToken);
                state.State.Checkpoint = entry.Kind == DiffKind.Extra ? state.State.Checkpoint : entry.SourceKey;
                if (time.GetElapsedTime(lastSave) >= CheckpointInterval)
                {
                    await WriteStateAsync();
                    lastSave = time.GetTimestamp();
                }
            }
        }

        state.State.JobsEmitted += await publisher.PublishAsync(batch, cancellationToken);
    }

    private async Task SplitAsync(DiffAssignment assignment, IReadOnlyList<KeyRange> ranges)
    {
        var key = this.GetPrimaryKeyString();
        state.State.Children = [.. ranges.Select((_, i) => $"{key}/{i}")];
        state.State.ChildAssignments = [.. ranges.Select(range => assignment with { After = range.After, UpTo = range.Through, MaySplit = false })];
        await WriteStateAsync();
        await StartChildrenAsync();
        LogSplit(logger, key, ranges.Count);
    }

    private async Task StartChildrenAsync()
    {
        for (var i = 0; i < state.State.Children.Count; i++)
        {
            await GrainFactory.GetGrain<IBucketDiffGrain>(state.State.Children[i]).StartAsync(state.State.ChildAssignments[i]);
        }
    }

    private async Task ReportAsync()
    {
        var summary = new DiffSummary(this.GetPrimaryKeyString(), state.State.Assignment!.Round, state.State.JobsEmitted, state.State.ObjectsSame, state.State.Error)
        {
            BytesSame = state.State.BytesSame,
            Children = state.State.Children,
        };
        await GrainFactory.GetGrain<IMigrationGrain>(state.State.Assignment.MigrationId).DiffFinishedAsync(summary);
        DeactivateOnIdle();
    }

    private async Task WriteStateAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            // The checkpoint is an optimisation; the diff goes on and the next save catches up.
            LogCheckpointFailed(logger, this.GetPrimaryKeyString(), e.Message);
        }
    }

    private static async IAsyncEnumerable<ListedObject> Until(
        IAsyncEnumerable<ListedObject> objects, Func<string, bool> isPast, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var listed in objects.WithCancellation(cancellationToken))
        {
            if (isPast(listed.Key))
            {
                yield break;
            }

            yield return listed;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Diff {Diff} split into {Ranges} child diffs")]
    private static partial void LogSplit(ILogger logger, string diff, int ranges);

    [LoggerMessage(Level = LogLevel.Error, Message = "Diff {Diff} failed: {Reason}")]
    private static partial void LogDiffFailed(ILogger logger, string diff, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Diff {Diff} could not save its position: {Reason}")]
    private static partial void LogCheckpointFailed(ILogger logger, string diff, string reason);
}
