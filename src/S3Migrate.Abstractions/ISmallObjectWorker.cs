namespace S3Migrate.Abstractions;

/// <summary>Copies a batch of small objects on the calling silo (a stateless worker: many activations, no state).</summary>
[Alias("s3m.ISmallObjectWorker")]
[Orleans.CodeGeneration.Version(1)]
public interface ISmallObjectWorker : IGrainWithIntegerKey
{
    [ResponseTimeout("01:00:00")]
    [Alias("copy")]
    Task<IReadOnlyList<ObjectOutcome>> CopyAsync(JobBatch batch, CancellationToken cancellationToken = default);
}
