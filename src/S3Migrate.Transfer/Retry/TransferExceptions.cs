namespace S3Migrate.Transfer.Retry;

/// <summary>The object cannot be copied; <see cref="Exception.Message"/> is the reason recorded for it.</summary>
public sealed class PermanentTransferException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>The source changed while it was being copied (a pinned read got 412).</summary>
public sealed class SourceChangedException(string message) : Exception(message);

/// <summary>The multipart upload being filled no longer exists.</summary>
public sealed class UploadGoneException(string message) : Exception(message);
