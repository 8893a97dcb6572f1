using Orleans.Runtime;
using S3Migrate.Abstractions;

namespace S3Migrate.Grains.Grains;

[GenerateSerializer, Alias("s3m.directorystate")]
public sealed class MigrationDirectoryState
{
    [Id(0)]
    public List<string> Migrations { get; set; } = [];
}

/// <summary>The cluster's list of migrations, newest last.</summary>
[GrainType("s3m.directory")]
public sealed class MigrationDirectoryGrain([PersistentState("directory")] IPersistentState<MigrationDirectoryState> state)
    : Grain, IMigrationDirectoryGrain
{
    public async Task AddAsync(string migrationId, DateTimeOffset createdAt)
    {
        if (!state.State.Migrations.Contains(migrationId))
        {
            state.State.Migrations.Add(migrationId);
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Migrations]);
}
