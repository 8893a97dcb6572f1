namespace S3Migrate.Abstractions;

/// <summary>A migration (key: its id): validates and preflights the spec, runs the diffs, aggregates progress.</summary>
[Alias("s3m.IMigrationGrain")]
[Orleans.CodeGeneration.Version(1)]
public interface IMigrationGrain : IGrainWithStringKey
{
    /// <summary>Validates, preflights both endpoints and starts; a spec that cannot run is rejected with one clear reason.</summary>
    [ResponseTimeout("00:02:00")]
    [Alias("start")]
    Task<MigrationStatus> StartAsync(MigrationSpec spec, CancellationToken cancellationToken = default);

    [AlwaysInterleave]
    [Alias("status")]
    Task<MigrationStatus> GetStatusAsync();

    [AlwaysInterleave]
    [Alias("failures")]
    Task<FailurePage> GetFailuresAsync(int offset, int count);

    [Alias("cancel")]
    Task<MigrationStatus> CancelAsync();

    /// <summary>Queues the failed objects again.</summary>
    [Alias("retry")]
    Task<MigrationStatus> RetryFailedAsync();

    /// <summary>Runs a fresh diff; the migration stays Completed only if it comes out empty.</summary>
    [Alias("verify")]
    Task<MigrationStatus> VerifyAsync();

    /// <summary>A silo's progress since its last report; answers the migration's state so silos stop cancelled work.</summary>
    [AlwaysInterleave]
    [Alias("report")]
    Task<MigrationState> ReportProgressAsync(ProgressReport report);

    [Alias("diffdone")]
    Task DiffFinishedAsync(DiffSummary summary);
}
