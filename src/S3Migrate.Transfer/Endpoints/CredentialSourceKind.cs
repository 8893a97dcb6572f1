namespace S3Migrate.Transfer.Endpoints;

/// <summary>Where an endpoint's credentials come from.</summary>
public enum CredentialSourceKind
{
    /// <summary>The SDK's default chain: environment, profile, container or instance role.</summary>
    Default,

    /// <summary>A named profile from the shared config/credentials files.</summary>
    Profile,

    /// <summary>AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.</summary>
    Environment,

    /// <summary>Keys given in configuration. For development and local endpoints only.</summary>
    Static,

    /// <summary>
    /// An SSM Parameter Store SecureString holding {"aws_access_key_id", "aws_secret_access_key", "region"}, the
    /// original tool's format, read with decryption using the default chain's credentials.
    /// </summary>
    SsmParameter,
}
