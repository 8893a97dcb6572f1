namespace S3Migrate.LocalS3.Storage;

public enum VersioningStatus
{
    /// <summary>Never configured.</summary>
    Off,
    Enabled,
    Suspended,
}
