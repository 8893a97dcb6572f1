using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using S3Migrate.Transfer.Endpoints;
using S3Migrate.Transfer.Resume;
using S3Migrate.Transfer.Retry;

namespace S3Migrate.Transfer.Copy;

/// <summary>
/// Finds the unfinished upload of the destination key that belongs to the current plan (same fingerprint), aborting
/// the engine's uploads that cannot match; creates one when none does.
/// </summary>
public sealed partial class UploadResolver(S3Endpoint destination, IUploadStateStore store, RetryPolicy retries, TimeProvider time, ILogger logger)
{
    public async Task<(string UploadId, bool Resumed)> ResolveAsync(
        UploadTarget target, UploadFingerprint fingerprint, Func<InitiateMultipartUploadRequest> create, CancellationToken cancellationToken)
    {
        string? chosen = null;
        foreach (var record in (await store.FindAsync(target, cancellationToken)).OrderByDescending(static r => r.Created))
        {
            if (chosen is null && record.Fingerprint == fingerprint)
            {
                chosen = record.UploadId;
                continue;
            }

            LogAbortingStale(logger, target.Bucket, target.Key, record.UploadId);
            await AbortAsync(target, record.UploadId, cancellationToken);
        }

        await AbortUnrecordedAsync(target, chosen, cancellationToken);
        if (chosen is not null)
        {
            return (chosen, true);
        }

        var response = await retries.ExecuteAsync("CreateMultipartUpload", destination,
            token => destination.Client.InitiateMultipartUploadAsync(create(), token), cancellationToken);
        await store.SaveAsync(new UploadRecord(target, response.UploadId, fingerprint, time.GetUtcNow()), cancellationToken);
        return (response.UploadId, false);
    }

    /// <summary>
    /// Before a new or resumed upload: any other unfinished upload of the key with no record cannot be resumed (its plan is unknown — a
    /// copier killed between creating it and recording it leaves one), so it is aborted rather than left to cost storage.
    /// </summary>
    private async Task AbortUnrecordedAsync(UploadTarget target, string? chosen, CancellationToken cancellationToken)
    {
        var listed = await retries.ExecuteAsync("ListMultipartUploads", destination, token => destination.Client.ListMultipartUploadsAsync(
            new ListMultipartUploadsRequest { BucketName = target.Bucket, Prefix = target.Key }, token), cancellationToken);
        foreach (var upload in listed.MultipartUploads ?? [])
        {
            if (upload.Key == target.Key && upload.UploadId != chosen)
            {
                LogAbortingUnrecorded(logger, target.Bucket, target.Key, upload.UploadId);
                await AbortAsync(target, upload.UploadId, cancellationToken);
            }
        }
    }

    /// <summary>Aborts an upload (one already gone is fine) and forgets it.</summary>
    public async Task AbortAsync(UploadTarget target, string uploadId, CancellationToken cancellationToken)
    {
        try
        {
            await retries.ExecuteAsync("AbortMultipartUpload", destination, token => destination.Client.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = target.Bucket, Key = target.Key, UploadId = uploadId }, token), cancellationToken);
        }
        catch (UploadGoneException)
        {
        }

        await store.RemoveAsync(target, uploadId, cancellationToken);
    }

    public Task ForgetAsync(UploadTarget target, string uploadId, CancellationToken cancellationToken) =>
        store.RemoveAsync(target, uploadId, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Aborting upload {UploadId} of s3://{Bucket}/{Key}: it belongs to another source version or part layout")]
    private static partial void LogAbortingStale(ILogger logger, string bucket, string key, string uploadId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Aborting upload {UploadId} of s3://{Bucket}/{Key}: nothing records which plan it belongs to")]
    private static partial void LogAbortingUnrecorded(ILogger logger, string bucket, string key, string uploadId);
}
