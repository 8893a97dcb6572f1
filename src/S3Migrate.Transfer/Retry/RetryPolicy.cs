using Microsoft.Extensions.Logging;
using S3Migrate.Transfer.Endpoints;

namespace S3Migrate.Transfer.Retry;

/// <summary>
/// Runs one S3 request with the engine's retry rules: transient failures back off (full jitter) and retry up to
/// MaxRetry; auth failures reload the endpoint's credentials first; everything else becomes the matching exception.
/// </summary>
public sealed partial class RetryPolicy(RetryOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>Raised before each retry (for metrics).</summary>
    public event Action<string, FailureKind>? Retrying;

    public Task<T> ExecuteAsync<T>(
        string operation, S3Endpoint endpoint, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken) =>
        ExecuteAsync(operation, endpoint, other: null, action, cancellationToken);

    /// <summary>
    /// As the single-endpoint form, for an attempt that reads from <paramref name="endpoint"/> and writes to
    /// <paramref name="other"/> (a part streamed from one into the other): an S3 refusal does not say which endpoint
    /// refused, so refused credentials reload the keys of both.
    /// </summary>
    public async Task<T> ExecuteAsync<T>(
        string operation, S3Endpoint endpoint, S3Endpoint? other, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        var refreshes = 0;
        var where = other is null ? $"endpoint '{endpoint.Name}'" : $"endpoint '{endpoint.Name}' or '{other.Name}'";
        for (var attempt = 0; ; attempt++)
        {
            long generation = -1;
            long otherGeneration = -1;
            try
            {
                // Load the credentials now if they are due, and note which ones this attempt signs with: a refusal
                // invalidates exactly these, not a reload another request made meanwhile.
                await endpoint.Credentials.GetCurrentAsync();
                generation = endpoint.Credentials.Generation;
                if (other is not null)
                {
                    await other.Credentials.GetCurrentAsync();
                    otherGeneration = other.Credentials.Generation;
                }

                return await action(cancellationToken);
            }
            catch (Exception e) when (e is not (PermanentTransferException or SourceChangedException or UploadGoneException))
            {
                var (kind, reason) = S3ErrorClassifier.Classify(e, cancellationToken);
                var described = $"{operation} on {where}: {reason}";
                switch (kind)
                {
                    case FailureKind.Cancelled:
                        throw;
                    case FailureKind.SourceChanged:
                        throw new SourceChangedException(described);
                    case FailureKind.UploadGone:
                        throw new UploadGoneException(described);
                    case FailureKind.Credentials when refreshes < options.MaxCredentialRefreshes && attempt < options.MaxRetries:
                        // Only the first of many requests refused together reloads; the others retry with its result.
                        var reloaded = endpoint.Credentials.Invalidate(generation);
                        reloaded |= other is not null && other.Credentials.Invalidate(otherGeneration);
                        if (reloaded)
                        {
                            refreshes++;
                            LogCredentialsReloaded(logger, where, operation);
                        }

                        break;
                    case FailureKind.Transient or FailureKind.Integrity when attempt < options.MaxRetries:
                        break;
                    default:
                        throw new PermanentTransferException(
                            kind is FailureKind.Transient or FailureKind.Integrity ? $"{described} (gave up after {attempt + 1} attempts)" : described, e);
                }

                Retrying?.Invoke(operation, kind);
                var delay = Backoff(attempt);
                LogRetry(logger, operation, where, attempt + 1, delay.TotalMilliseconds, reason);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    /// <summary>Full jitter: a random delay up to min(max, base × 2^attempt).</summary>
    public TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(options.MaxDelay.TotalMilliseconds, options.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Operation} on {Endpoint}: attempt {Attempt} failed, retrying in {DelayMs:F0} ms: {Reason}")]
    private static partial void LogRetry(ILogger logger, string operation, string endpoint, int attempt, double delayMs, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Operation}: {Endpoint} refused its credentials; reloading them")]
    private static partial void LogCredentialsReloaded(ILogger logger, string endpoint, string operation);
}
