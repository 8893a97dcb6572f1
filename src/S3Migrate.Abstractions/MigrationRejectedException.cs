namespace S3Migrate.Abstractions;

/// <summary>A migration that cannot start (invalid spec, failed preflight); the message is the one line to show.</summary>
[GenerateSerializer, Alias("s3m.rejected")]
public sealed class MigrationRejectedException : Exception
{
    public MigrationRejectedException()
    {
    }

    public MigrationRejectedException(string message)
        : base(message)
    {
    }

    public MigrationRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
