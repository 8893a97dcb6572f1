using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using S3Migrate.Abstractions;
using S3Migrate.Grains.Diagnostics;
using S3Migrate.Grains.Endpoints;
using S3Migrate.Grains.Options;
using S3Migrate.Grains.Progress;
using S3Migrate.Grains.Scheduling;
using S3Migrate.Transfer.Copy;
using S3Migrate.Transfer.Retry;

namespace S3Migrate.Grains.Jobs;

/// <summary>
/// Runs one object's job on this silo: waits for an object slot on the scheduler, copies (or deletes) with the engine,
/// and records the outcome for the silo's progress report. Used by job grains and the small-object worker alike.
/// </summary>
public sealed partial class ObjectJobRunner(
    EndpointRegistry endpoints, TransferScheduler scheduler, ProgressAggregator progress, MigrationSpecCache specs,
    MigrationEngineOptions options, TransferMetrics metrics, TimeProvider time, ILogger<ObjectJobRunner> logger)
{
    public async Task<ObjectOutcome> RunAsync(ObjectJob job, CancellationToken cancellationToken)
    {
        using var activity = progress.Activity(job.MigrationId);
        using var cancelled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, progress.Cancellation(job.MigrationId), scheduler.Stopped);
        ObjectOutcome outcome;
        try
        {
            var spec = await specs.GetAsync(job.MigrationId);
            using var slot = await scheduler.AcquireObjectAsync(cancelled.Token);
            outcome = job.Kind == JobKind.Delete
                ? await DeleteAsync(job, spec, cancelled.Token)
                : await CopyAsync(job, spec, cancelled.Token);
        }
        catch (OperationCanceledException) when (cancelled.IsCancellationRequested)
        {
            // Cancelled with its migration: done with. Otherwise the silo is stopping: the job comes back and resumes.
            outcome = new ObjectOutcome(
                job, ObjectOutcomeKind.Interrupted, progress.Cancellation(job.MigrationId).IsCancellationRequested ? ObjectOutcome.CancelledReason : ObjectOutcome.StoppingReason);
        }
        catch (Exception e) when (e is KeyNotFoundException or ArgumentException or InvalidOperationException)
        {
            outcome = new ObjectOutcome(job, ObjectOutcomeKind.Failed, e.Message);
        }

        if (outcome.Kind == ObjectOutcomeKind.Interrupted && progress.Cancellation(job.MigrationId).IsCancellationRequested)
        {
            await AbortIfAskedAsync(job);
        }

        progress.Record(outcome, time.GetUtcNow());
        metrics.Record(outcome);
        if (outcome.Kind != ObjectOutcomeKind.Interrupted || progress.Cancellation(job.MigrationId).IsCancellationRequested)
        {
            progress.Release(job.MigrationId, job.DestinationId);
        }

        return outcome;
    }

    private async Task<ObjectOutcome> CopyAsync(ObjectJob job, MigrationSpec spec, CancellationToken cancellationToken)
    {
        var copier = endpoints.Copier(spec.SourceEndpoint, spec.DestinationEndpoint);
        var request = new CopyRequest(job.SourceBucket, job.SourceKey, job.DestinationBucket, job.DestinationKey)
        {
            SourceVersionId = job.SourceVersionId,
            ExpectedETag = job.ExpectedETag,
            ExpectedSize = job.ExpectedSize >= 0 ? job.ExpectedSize : null,
            Options = spec.Options.ToCopyOptions(),
        };
        var large = job.ExpectedSize < 0 || job.ExpectedSize > options.ResumableThreshold;
        using var tracked = large ? scheduler.Track(job.MigrationId, job.DestinationId, Math.Max(0, job.ExpectedSize)) : null;
        var result = await copier.CopyAsync(request, tracked, cancellationToken);
        var kind = result.Outcome switch
        {
            CopyOutcome.Verified => ObjectOutcomeKind.Verified,
            CopyOutcome.Failed => ObjectOutcomeKind.Failed,
            _ => ObjectOutcomeKind.Interrupted,
        };
        if (kind == ObjectOutcomeKind.Failed)
        {
            LogFailed(logger, job.MigrationId, job.SourceBucket, job.SourceKey, result.Reason ?? string.Empty);
        }

        return new ObjectOutcome(job, kind, result.Reason)
        {
            Size = result.Size,
            BytesTransferred = result.BytesTransferred,
            PartsReused = result.PartsReused,
            PartsUploaded = result.PartsUploaded,
            SourceChanged = result.SourceChanged,
        };
    }

    private async Task<ObjectOutcome> DeleteAsync(ObjectJob job, MigrationSpec spec, CancellationToken cancellationToken)
    {
        var destination = endpoints.Get(spec.DestinationEndpoint);
        var copier = endpoints.Copier(spec.SourceEndpoint, spec.DestinationEndpoint);
        try
        {
            if (job.Sequencer is not null && await SourceExistsAsync(job, spec, cancellationToken))
            {
                // An ObjectRemoved event, but the key was written again since: the newer object stays.
                return new ObjectOutcome(job, ObjectOutcomeKind.Skipped, "the source object exists again");
            }

            using var keys = Transfer.Endpoints.ObjectKeyScope.Enter((job.DestinationBucket, job.DestinationKey));
            await copier.Retries.ExecuteAsync("DeleteObject", destination, token => destination.Client.DeleteObjectAsync(
                new DeleteObjectRequest { BucketName = job.DestinationBucket, Key = job.DestinationKey }, token), cancellationToken);
            return new ObjectOutcome(job, ObjectOutcomeKind.Deleted, null);
        }
        catch (PermanentTransferException e)
        {
            return new ObjectOutcome(job, ObjectOutcomeKind.Failed, e.Message);
        }
    }

    private async Task<bool> SourceExistsAsync(ObjectJob job, MigrationSpec spec, CancellationToken cancellationToken)
    {
        var source = endpoints.Get(spec.SourceEndpoint);
        var retries = endpoints.Copier(spec.SourceEndpoint, spec.DestinationEndpoint).Retries;
        using var keys = Transfer.Endpoints.ObjectKeyScope.Enter((job.SourceBucket, job.SourceKey));
        return await retries.ExecuteAsync("HeadObject", source, async token =>
        {
            try
            {
                await source.Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = job.SourceBucket, Key = job.SourceKey }, token);
                return true;
            }
            catch (Amazon.S3.AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return false;
            }
        }, cancellationToken);
    }

    /// <summary>A cancelled migration that asked for it aborts the object's unfinished uploads (otherwise they stay, resumable).</summary>
    private async Task AbortIfAskedAsync(ObjectJob job)
    {
        try
        {
            var spec = await specs.GetAsync(job.MigrationId);
            if (!spec.Options.AbortUploadsOnCancel || job.Kind != JobKind.Copy)
            {
                return;
            }

            var destination = endpoints.Get(spec.DestinationEndpoint);
            var retries = endpoints.Copier(spec.SourceEndpoint, spec.DestinationEndpoint).Retries;
            using var keys = Transfer.Endpoints.ObjectKeyScope.Enter((job.DestinationBucket, job.DestinationKey));
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            var uploads = await retries.ExecuteAsync("ListMultipartUploads", destination, token => destination.Client.ListMultipartUploadsAsync(
                new ListMultipartUploadsRequest { BucketName = job.DestinationBucket, Prefix = job.DestinationKey }, token), timeout.Token);
            foreach (var upload in (uploads.MultipartUploads ?? []).Where(u => u.Key == job.DestinationKey))
            {
                await retries.ExecuteAsync("AbortMultipartUpload", destination, token => destination.Client.AbortMultipartUploadAsync(
                    new AbortMultipartUploadRequest { BucketName = job.DestinationBucket, Key = job.DestinationKey, UploadId = upload.UploadId }, token), timeout.Token);
                LogAborted(logger, job.MigrationId, job.DestinationBucket, job.DestinationKey);
            }
        }
        catch (Exception e) when (e is PermanentTransferException or OperationCanceledException or KeyNotFoundException or InvalidOperationException)
        {
            LogAbortFailed(logger, job.MigrationId, job.DestinationBucket, job.DestinationKey, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration {MigrationId} cancelled: aborted the unfinished upload of s3://{Bucket}/{Key}")]
    private static partial void LogAborted(ILogger logger, string migrationId, string bucket, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migration {MigrationId} cancelled: could not abort the upload of s3://{Bucket}/{Key}: {Reason}")]
    private static partial void LogAbortFailed(ILogger logger, string migrationId, string bucket, string key, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Migration {MigrationId}: s3://{Bucket}/{Key} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string migrationId, string bucket, string key, string reason);
}
