namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// Credentials could not be obtained from their source. The message is one line naming the endpoint and the source
/// (profile, variable, parameter), never a secret or a secret's value.
/// </summary>
public sealed class CredentialSourceException : Exception
{
    public CredentialSourceException(string message)
        : base(message)
    {
    }

    public CredentialSourceException(string message, Exception innerException, bool transient = false)
        : base(message, innerException) => IsTransient = transient;

    /// <summary>The source may answer on a later attempt (throttling, a 5xx, an unreachable service).</summary>
    public bool IsTransient { get; }
}
