namespace S3Migrate.Silo.Configuration;

/// <summary>
/// Migrations the silo runs by itself from the original tool's bucket list, a JSON array of
/// {"src_bucket","src_prefix","des_bucket","des_prefix"} kept in an SSM parameter or a file and polled for changes.
/// </summary>
public sealed class BucketListSettings
{
    /// <summary>The SSM parameter holding the bucket list (String or SecureString).</summary>
    public string? ParameterName { get; set; }

    /// <summary>An SSM-compatible endpoint (tests).</summary>
    public Uri? ParameterServiceUrl { get; set; }

    /// <summary>A local file holding the bucket list (instead of SSM).</summary>
    public string? File { get; set; }

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The endpoints the routes read from and write to; by default from the JobType ("local"/"remote").</summary>
    public string? SourceEndpoint { get; set; }

    public string? DestinationEndpoint { get; set; }

    /// <summary>The destination storage class (the original tool's StorageClass).</summary>
    public string? StorageClass { get; set; }

    /// <summary>Wildcard patterns on "bucket/key" (or on the key) to leave out (the original tool's ignore list).</summary>
    public List<string> Ignore { get; set; } = [];

    /// <summary>A file with one ignore pattern per line (s3_migration_ignore_list.txt).</summary>
    public string? IgnoreListFile { get; set; }

    /// <summary>Re-diff every interval (continuous sync); unset runs each route once per list change.</summary>
    public TimeSpan? ResyncInterval { get; set; }

    /// <summary>Cancel the migration of a route removed from the list.</summary>
    public bool CancelRemoved { get; set; } = true;

    public bool Enabled => ParameterName is not null || File is not null;

    public IEnumerable<string> Validate()
    {
        if (ParameterName is not null && File is not null)
        {
            yield return "S3Migrate:Migrations: set ParameterName or File, not both";
        }

        if (Enabled && PollInterval < TimeSpan.FromSeconds(1))
        {
            yield return "S3Migrate:Migrations:PollInterval must be at least one second";
        }

        if (IgnoreListFile is { } file && !System.IO.File.Exists(file))
        {
            yield return $"S3Migrate:Migrations:IgnoreListFile '{file}' does not exist";
        }

        if (ResyncInterval is { } resync && resync < TimeSpan.FromMinutes(1))
        {
            yield return "S3Migrate:Migrations:ResyncInterval must be at least one minute";
        }
    }
}
