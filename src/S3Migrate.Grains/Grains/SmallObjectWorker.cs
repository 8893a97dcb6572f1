using S3Migrate.Abstractions;
using S3Migrate.Grains.Jobs;
using S3Migrate.Grains.Options;

namespace S3Migrate.Grains.Grains;

/// <summary>
/// Copies batches of small objects on the silo that received them (stateless workers are always local), each object
/// through the silo's scheduler like any other.
/// </summary>
[StatelessWorker]
[GrainType("s3m.smallworker")]
public sealed class SmallObjectWorker(ObjectJobRunner runner, MigrationEngineOptions options) : Grain, ISmallObjectWorker
{
    public async Task<IReadOnlyList<ObjectOutcome>> CopyAsync(JobBatch batch, CancellationToken cancellationToken = default)
    {
        var outcomes = new ObjectOutcome[batch.Jobs.Count];

        // The scheduler bounds objects across the silo; this only keeps one batch from queueing all of it at once.
        await Parallel.ForAsync(0, batch.Jobs.Count, new ParallelOptions
        {
            MaxDegreeOfParallelism = options.MaxParallelFile,
            CancellationToken = cancellationToken,
            TaskScheduler = TaskScheduler.Default,
        }, async (i, token) => outcomes[i] = await runner.RunAsync(batch.Jobs[i], token));
        return outcomes;
    }
}
