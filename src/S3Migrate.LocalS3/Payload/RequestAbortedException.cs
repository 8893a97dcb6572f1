namespace S3Migrate.LocalS3.Payload;

/// <summary>The connection was cut on purpose (fault injection) or by the client; no response can be written.</summary>
public sealed class RequestAbortedException(string message) : Exception(message);
