namespace S3Migrate.Infra.Configuration;

/// <summary>Which side of the migration the cluster runs on; the silo reads it as <c>S3Migrate__JobType</c>.</summary>
internal enum JobType
{
    /// <summary>
    /// The cluster runs on the source side: it reads the local source buckets with its instance role and writes to
    /// the remote destination with the credentials held in the SecureString parameter.
    /// </summary>
    Put,

    /// <summary>
    /// The cluster runs on the destination side: it reads the remote source with the credentials held in the
    /// SecureString parameter and writes to the local destination buckets with its instance role.
    /// </summary>
    Get,
}
