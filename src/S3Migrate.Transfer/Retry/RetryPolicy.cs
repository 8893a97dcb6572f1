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

    public async Task<T> ExecuteAsync<T>(
        string operation, S3Endpoint endpoint, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        var refreshes = 0;
        for (var attempt = 0; ; attempt++)
        {
            long generation = -1;
            try
            {
                // Load the credentials now if they are due, and note which ones this attempt signs with: a refusal
                // invalidates exactly these, not a reload another request made meanwhile.
                await endpoint.Credentials.GetCurrentAsync();
                generation = endpoint.Credentials.Generation;
                return await action(cancellationToken);
            }
            catch (Exception e) when (e is not (PermanentTransferException or SourceChangedException or UploadGoneException))
            {
                var (kind, reason) = S3ErrorClassifier.Classify(e, cancellationToken);
                var described = $"{operation} on endpoint '{endpoint.Name}': {reason}";
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
                        if (endpoint.Credentials.Invalidate(generation))
                        {
                            refreshes++;
                            LogCredentialsReloaded(logger, endpoint.Name, operation);
                        }

                        break;
                    case FailureKind.Transient when attempt < options.MaxRetries:
                        break;
                    default:
                        throw new PermanentTransferException(
                            kind == FailureKind.Transient ? $"{described} (gave up after {attempt + 1} attempts)" : described, e);
                }

                Retrying?.Invoke(operation, kind);
                var delay = Backoff(attempt);
                LogRetry(logger, operation, endpoint.Name, attempt + 1, delay.TotalMilliseconds, reason);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "{Operation}: endpoint {Endpoint} refused its credentials; reloading them")]
    private static partial void LogCredentialsReloaded(ILogger logger, string endpoint, string operation);
}
