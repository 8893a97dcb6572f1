namespace S3Migrate.Abstractions;

/// <summary>The list of migrations of the cluster (one grain, key 0), for the list command.</summary>
[Alias("s3m.IMigrationDirectoryGrain")]
[Orleans.CodeGeneration.Version(1)]
public interface IMigrationDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("add")]
    Task AddAsync(string migrationId, DateTimeOffset createdAt);

    [AlwaysInterleave]
    [Alias("list")]
    Task<IReadOnlyList<string>> ListAsync();
}
