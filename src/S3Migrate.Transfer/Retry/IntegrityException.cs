namespace S3Migrate.Transfer.Retry;

/// <summary>Bytes did not arrive intact (short read, ETag or checksum mismatch); the part is sent again.</summary>
public sealed class IntegrityException(string message) : Exception(message);
