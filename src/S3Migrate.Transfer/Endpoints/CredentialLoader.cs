using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace S3Migrate.Transfer.Endpoints;

/// <summary>Loads an endpoint's credentials from the configured source; errors name the source, never a secret.</summary>
public static class CredentialLoader
{
    public static Func<CancellationToken, Task<ImmutableCredentials>> For(S3EndpointOptions endpoint) => endpoint.Credentials.Kind switch
    {
        CredentialSourceKind.Default => async _ => await DefaultChain().GetCredentialsAsync(),
        CredentialSourceKind.Environment => async _ => await new EnvironmentVariablesAWSCredentials().GetCredentialsAsync(),
        CredentialSourceKind.Static => _ => Task.FromResult(new ImmutableCredentials(
            endpoint.Credentials.AccessKeyId, endpoint.Credentials.SecretAccessKey, endpoint.Credentials.SessionToken)),
        CredentialSourceKind.Profile => async _ => await Profile(endpoint).GetCredentialsAsync(),
        CredentialSourceKind.SsmParameter => cancellationToken => FromParameterAsync(endpoint, cancellationToken),
        _ => throw new InvalidOperationException($"Unknown credential source {endpoint.Credentials.Kind}."),
    };

    /// <summary>Parses the original tool's SecureString: {"aws_access_key_id", "aws_secret_access_key", "region"}.</summary>
    public static (ImmutableCredentials Credentials, string? Region) ParseParameterValue(string parameterName, string value)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            var root = document.RootElement;
            var keyId = root.TryGetProperty("aws_access_key_id", out var k) ? k.GetString() : null;
            var secret = root.TryGetProperty("aws_secret_access_key", out var s) ? s.GetString() : null;
            var token = root.TryGetProperty("aws_session_token", out var t) ? t.GetString() : null;
            var region = root.TryGetProperty("region", out var r) ? r.GetString() : null;
            if (string.IsNullOrEmpty(keyId) || string.IsNullOrEmpty(secret))
            {
                throw new CredentialSourceException(
                    $"SSM parameter {parameterName} must hold a JSON object with aws_access_key_id and aws_secret_access_key");
            }

            return (new ImmutableCredentials(keyId, secret, token), region);
        }
        catch (JsonException)
        {
            throw new CredentialSourceException($"SSM parameter {parameterName} is not JSON of the form {{\"aws_access_key_id\", \"aws_secret_access_key\", \"region\"}}");
        }
    }

    private static async Task<ImmutableCredentials> FromParameterAsync(S3EndpointOptions endpoint, CancellationToken cancellationToken)
    {
        var options = endpoint.Credentials;
        var config = new AmazonSimpleSystemsManagementConfig { MaxErrorRetry = 3 };
        if (options.ParameterServiceUrl is { } url)
        {
            config.ServiceURL = url.AbsoluteUri;
            config.AuthenticationRegion = options.ParameterRegion ?? endpoint.SigningRegion;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.ParameterRegion ?? endpoint.SigningRegion);
        }

        using var ssm = new AmazonSimpleSystemsManagementClient(DefaultChain(), config);
        GetParameterResponse response;
        try
        {
            response = await ssm.GetParameterAsync(new GetParameterRequest { Name = options.ParameterName, WithDecryption = true }, cancellationToken);
        }
        catch (ParameterNotFoundException)
        {
            throw new CredentialSourceException($"SSM parameter {options.ParameterName} does not exist (endpoint '{endpoint.Name}')");
        }
        catch (AmazonServiceException e)
        {
            throw new CredentialSourceException($"SSM parameter {options.ParameterName} could not be read: {e.ErrorCode} (endpoint '{endpoint.Name}')", e);
        }

        return ParseParameterValue(options.ParameterName!, response.Parameter.Value).Credentials;
    }

    private static AWSCredentials DefaultChain() => DefaultAWSCredentialsIdentityResolver.GetCredentials();

    private static AWSCredentials Profile(S3EndpointOptions endpoint)
    {
        var chain = new CredentialProfileStoreChain();
        return chain.TryGetAWSCredentials(endpoint.Credentials.ProfileName, out var credentials)
            ? credentials
            : throw new CredentialSourceException($"profile '{endpoint.Credentials.ProfileName}' was not found (endpoint '{endpoint.Name}')");
    }
}

/// <summary>Credentials could not be obtained from their source; the message names the source.</summary>
public sealed class CredentialSourceException : Exception
{
    public CredentialSourceException(string message)
        : base(message)
    {
    }

    public CredentialSourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
