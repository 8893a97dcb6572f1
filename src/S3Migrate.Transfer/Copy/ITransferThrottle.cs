namespace S3Migrate.Transfer.Copy;

/// <summary>
/// Where parts wait for room: bytes buffered across every object of the process stay within a budget. The silo's
/// scheduler adds fairness between objects; a plain budget is enough on its own.
/// </summary>
public interface ITransferThrottle
{
    /// <summary>Waits until <paramref name="bytes"/> may be buffered; dispose the lease to give them back.</summary>
    ValueTask<IDisposable> AcquireAsync(long bytes, CancellationToken cancellationToken);
}
