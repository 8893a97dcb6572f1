namespace S3Migrate.Abstractions;

public enum MigrationState
{
    Created,
    Diffing,
    Running,
    Completed,
    CompletedWithFailures,
    Cancelled,
    Failed,
}

public static class MigrationStates
{
    public static bool IsFinished(this MigrationState state) =>
        state is MigrationState.Completed or MigrationState.CompletedWithFailures or MigrationState.Cancelled or MigrationState.Failed;
}
