using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using S3Migrate.Transfer.Endpoints;
using S3Migrate.Transfer.Resume;
using S3Migrate.Transfer.Retry;

namespace S3Migrate.Transfer.Copy;

/// <summary>
/// Finds the unfinished upload of the destination key that belongs to the current plan (same fingerprint), aborting
/// the uploads of the key that cannot match; creates one when none does. Records are checked against the uploads the
/// destination still lists: a record whose upload finished or was aborted is dropped without a request.
/// </summary>
public sealed partial class UploadResolver(S3Endpoint destination, IUploadStateStore store, RetryPolicy retries, TimeProvider time, ILogger logger)
{
    public async Task<ResolvedUpload> ResolveAsync(
        UploadTarget target, UploadFingerprint fingerprint, Func<InitiateMultipartUploadRequest> create, CancellationToken cancellationToken)
    {
        var live = await LiveUploadsAsync(target, cancellationToken);
        string? chosen = null;
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in (await store.FindAsync(target, cancellationToken)).OrderByDescending(static r => r.Created))
        {
            recorded.Add(record.UploadId);
            if (!live.Contains(record.UploadId))
            {
                // Completed or aborted since it was recorded: nothing to resume, nothing to abort.
                await store.RemoveAsync(target, record.UploadId, cancellationToken);
            }
            else if (chosen is null && record.Fingerprint == fingerprint)
            {
                chosen = record.UploadId;
            }
            else
            {
                LogAbortingStale(logger, target.Bucket, target.Key, record.UploadId);
                await AbortAsync(target, record.UploadId, cancellationToken);
            }
        }

        // An upload no record describes cannot be resumed (its plan is unknown: a copier killed before it recorded the
        // upload leaves one), so it is aborted rather than left to cost storage.
        foreach (var uploadId in live.Where(id => !recorded.Contains(id)))
        {
            LogAbortingUnrecorded(logger, target.Bucket, target.Key, uploadId);
            await AbortAsync(target, uploadId, cancellationToken);
        }

        if (chosen is not null)
        {
            return new ResolvedUpload(chosen, Resumed: true, Unrecorded: null);
        }

        var response = await retries.ExecuteAsync("CreateMultipartUpload", destination,
            token => destination.Client.InitiateMultipartUploadAsync(create(), token), cancellationToken);
        return new ResolvedUpload(response.UploadId, Resumed: false,
            new PendingUploadRecord(store, new UploadRecord(target, response.UploadId, fingerprint, time.GetUtcNow())));
    }

    /// <summary>The ids of the destination's unfinished uploads of exactly this key (the listing is by prefix, so it pages only while on the key).</summary>
    private async Task<HashSet<string>> LiveUploadsAsync(UploadTarget target, CancellationToken cancellationToken)
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        var request = new ListMultipartUploadsRequest { BucketName = target.Bucket, Prefix = target.Key };
        while (true)
        {
            var page = await retries.ExecuteAsync("ListMultipartUploads", destination,
                token => destination.Client.ListMultipartUploadsAsync(request, token), cancellationToken);
            var uploads = page.MultipartUploads ?? [];
            foreach (var upload in uploads.Where(u => u.Key == target.Key))
            {
                live.Add(upload.UploadId);
            }

            // Keys sort after their own prefix, so the key's uploads come first; a page that ends on another key ends them.
            if (page.IsTruncated != true || uploads.Count == 0 || uploads[^1].Key != target.Key)
            {
                return live;
            }

            request = new ListMultipartUploadsRequest
            {
                BucketName = target.Bucket, Prefix = target.Key, KeyMarker = page.NextKeyMarker, UploadIdMarker = page.NextUploadIdMarker,
            };
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

/// <summary>The upload a copy goes on with; a new one carries its record, not yet written.</summary>
public sealed record ResolvedUpload(string UploadId, bool Resumed, PendingUploadRecord? Unrecorded);

/// <summary>
/// A new upload's record, written at most once, when the copier decides its parts are worth keeping (see
/// <see cref="MultipartCopier"/>): an upload finished before that costs no write to the store.
/// </summary>
public sealed class PendingUploadRecord(IUploadStateStore store, UploadRecord record)
{
    private readonly Lock _gate = new();
    private Task? _saving;

    public bool Saved => _saving is { IsCompletedSuccessfully: true };

    public Task SaveOnceAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // A failed write is tried again by the next caller.
            if (_saving is null || _saving.IsFaulted || _saving.IsCanceled)
            {
                _saving = store.SaveAsync(record, cancellationToken);
            }

            return _saving;
        }
    }
}
