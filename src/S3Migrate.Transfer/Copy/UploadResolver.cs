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

        if (chosen is not null)
        {
            return (chosen, true);
        }

        var response = await retries.ExecuteAsync("CreateMultipartUpload", destination,
            token => destination.Client.InitiateMultipartUploadAsync(create(), token), cancellationToken);
        await store.SaveAsync(new UploadRecord(target, response.UploadId, fingerprint, time.GetUtcNow()), cancellationToken);
        return (response.UploadId, false);
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
}
