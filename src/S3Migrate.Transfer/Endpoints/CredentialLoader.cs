using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;

namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// Loads an endpoint's credentials from its configured source, afresh on every call, so that a rotated key (in a
/// profile file, the environment or an SSM parameter) is seen at the next refresh. Errors name the endpoint and the
/// source, never a secret.
/// </summary>
public static class CredentialLoader
{
    public const string AccessKeyIdVariable = "AWS_ACCESS_KEY_ID";
    public const string SecretAccessKeyVariable = "AWS_SECRET_ACCESS_KEY";
    public const string SessionTokenVariable = "AWS_SESSION_TOKEN";

    /// <summary>The secret's older name, still honoured by the AWS SDKs.</summary>
    public const string LegacySecretKeyVariable = "AWS_SECRET_KEY";

    public static Func<CredentialLoadReason, CancellationToken, Task<LoadedCredentials>> For(S3EndpointOptions endpoint) =>
        endpoint.Credentials.Kind == CredentialSourceKind.SsmParameter
            ? (_, cancellationToken) => SsmCredentialParameter.LoadAsync(endpoint, cancellationToken)
            : (reason, _) => FromSdkAsync(endpoint.Name, endpoint.Credentials, reason);

    /// <summary>
    /// The SDK credentials for a source other than an SSM parameter (which is read with such credentials).
    /// </summary>
    internal static AWSCredentials SdkCredentials(string endpointName, CredentialSourceOptions source) => source.Kind switch
    {
        CredentialSourceKind.Default => DefaultChain(endpointName),
        CredentialSourceKind.Profile => Profile(endpointName, source),
        CredentialSourceKind.Environment => FromEnvironment(endpointName, source.EnvironmentPrefix ?? string.Empty),
        CredentialSourceKind.Static => string.IsNullOrEmpty(source.SessionToken)
            ? new BasicAWSCredentials(source.AccessKeyId, source.SecretAccessKey)
            : new SessionAWSCredentials(source.AccessKeyId, source.SecretAccessKey, source.SessionToken),
        _ => throw new CredentialSourceException($"endpoint '{endpointName}': {source} cannot be used here"),
    };

    private static async Task<LoadedCredentials> FromSdkAsync(string endpointName, CredentialSourceOptions source, CredentialLoadReason reason)
    {
        var credentials = SdkCredentials(endpointName, source);
        if (reason == CredentialLoadReason.Rejected && credentials is RefreshingAWSCredentials refreshing)
        {
            // Temporary credentials the SDK caches (instance role, assumed role): S3 refused them, so fetch new ones.
            refreshing.ClearCredentials();
        }

        try
        {
            var loaded = await credentials.GetCredentialsAsync();
            return new LoadedCredentials(loaded, credentials.Expiration is { } expiration ? new DateTimeOffset(expiration.ToUniversalTime()) : null);
        }
        catch (Exception e) when (e is AmazonClientException or HttpRequestException or IOException or InvalidOperationException)
        {
            // The SDK's message may quote what it read (a profile line, a credential process's output): keep it out.
            throw new CredentialSourceException(
                $"endpoint '{endpointName}': {source} gave no usable credentials ({e.GetType().Name})", e, transient: e is HttpRequestException);
        }
    }

    private static AWSCredentials DefaultChain(string endpointName)
    {
        try
        {
            return DefaultAWSCredentialsIdentityResolver.GetCredentials();
        }
        catch (AmazonClientException e)
        {
            throw new CredentialSourceException(
                $"endpoint '{endpointName}': the default credential chain (environment, profile, container or instance role) found no credentials", e);
        }
    }

    private static AWSCredentials Profile(string endpointName, CredentialSourceOptions source)
    {
        var where = source.ProfilesFile ?? "the shared credentials and config files";
        try
        {
            var chain = source.ProfilesFile is { } file ? new CredentialProfileStoreChain(file) : new CredentialProfileStoreChain();
            return chain.TryGetAWSCredentials(source.ProfileName, out var credentials)
                ? credentials
                : throw new CredentialSourceException($"endpoint '{endpointName}': profile '{source.ProfileName}' was not found in {where}");
        }
        catch (Exception e) when (e is AmazonClientException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new CredentialSourceException($"endpoint '{endpointName}': profile '{source.ProfileName}' in {where} could not be read ({e.GetType().Name})", e);
        }
    }

    private static AWSCredentials FromEnvironment(string endpointName, string prefix)
    {
        var keyId = Environment.GetEnvironmentVariable(prefix + AccessKeyIdVariable);
        var secret = Environment.GetEnvironmentVariable(prefix + SecretAccessKeyVariable);
        if (string.IsNullOrEmpty(secret) && prefix.Length == 0)
        {
            secret = Environment.GetEnvironmentVariable(LegacySecretKeyVariable);
        }

        var token = Environment.GetEnvironmentVariable(prefix + SessionTokenVariable);
        if (string.IsNullOrEmpty(keyId) || string.IsNullOrEmpty(secret))
        {
            var missing = string.IsNullOrEmpty(keyId) ? prefix + AccessKeyIdVariable : prefix + SecretAccessKeyVariable;
            throw new CredentialSourceException($"endpoint '{endpointName}': the environment variable {missing} is not set");
        }

        return string.IsNullOrEmpty(token) ? new BasicAWSCredentials(keyId, secret) : new SessionAWSCredentials(keyId, secret, token);
    }
}
