using System.Net;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// Credentials kept in an SSM Parameter Store SecureString in the original tool's format,
/// <c>{"aws_access_key_id": "…", "aws_secret_access_key": "…", "region": "…"}</c> (an optional
/// <c>aws_session_token</c> is honoured), read with decryption.
/// </summary>
public static class SsmCredentialParameter
{
    public const string AccessKeyIdField = "aws_access_key_id";
    public const string SecretAccessKeyField = "aws_secret_access_key";
    public const string SessionTokenField = "aws_session_token";
    public const string RegionField = "region";

    /// <summary>One GetParameter call, retries included, may take this long.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The SSM client's own retries for throttling and 5xx (the read is rare and cheap).</summary>
    private const int ReadRetries = 3;

    /// <summary>Reads and parses the endpoint's parameter; errors name the endpoint and the parameter, never its value.</summary>
    public static async Task<LoadedCredentials> LoadAsync(S3EndpointOptions endpoint, CancellationToken cancellationToken)
    {
        var options = endpoint.Credentials;
        var name = options.ParameterName!;
        string? value;
        try
        {
            using var ssm = CreateClient(endpoint);
            var response = await ssm.GetParameterAsync(new GetParameterRequest { Name = name, WithDecryption = true }, cancellationToken);
            value = response.Parameter?.Value;
        }
        catch (ParameterNotFoundException e)
        {
            throw new CredentialSourceException($"endpoint '{endpoint.Name}': SSM parameter {name} does not exist", e);
        }
        catch (AmazonServiceException e)
        {
            var transient = e.StatusCode >= HttpStatusCode.InternalServerError || e.ErrorCode is "ThrottlingException" or "TooManyUpdates";
            throw new CredentialSourceException($"endpoint '{endpoint.Name}': SSM parameter {name} could not be read: {e.ErrorCode ?? $"HTTP {(int)e.StatusCode}"}", e, transient);
        }
        catch (Exception e) when (e is AmazonClientException or HttpRequestException or IOException ||
                                  (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new CredentialSourceException($"endpoint '{endpoint.Name}': SSM parameter {name} could not be read: SSM did not answer ({e.GetType().Name})", e, transient: true);
        }

        if (string.IsNullOrEmpty(value))
        {
            throw new CredentialSourceException($"endpoint '{endpoint.Name}': SSM parameter {name} is empty");
        }

        var (credentials, region) = Parse(endpoint.Name, name, value);
        if (region is not null && endpoint.Region is not null && Partitions.ForRegion(region) != endpoint.Partition)
        {
            throw new CredentialSourceException(
                $"endpoint '{endpoint.Name}': SSM parameter {name} holds keys for {region} (partition {Partitions.ForRegion(region)}), " +
                $"but the endpoint is in {endpoint.Region} (partition {endpoint.Partition})");
        }

        return new LoadedCredentials(credentials) { Region = region };
    }

    /// <summary>Parses the original tool's JSON; the error names what is wrong, never the value.</summary>
    public static (ImmutableCredentials Credentials, string? Region) Parse(string endpointName, string parameterName, string value)
    {
        var expected = $"a JSON object {{\"{AccessKeyIdField}\", \"{SecretAccessKeyField}\", \"{RegionField}\"}}";
        try
        {
            using var document = JsonDocument.Parse(value);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CredentialSourceException($"endpoint '{endpointName}': SSM parameter {parameterName} must hold {expected}, not a JSON {root.ValueKind.ToString().ToLowerInvariant()}");
            }

            string? Field(string field, bool required)
            {
                if (!root.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null)
                {
                    return required
                        ? throw new CredentialSourceException($"endpoint '{endpointName}': SSM parameter {parameterName} has no \"{field}\"; it must hold {expected}")
                        : null;
                }

                return element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 } text
                    ? text
                    : throw new CredentialSourceException($"endpoint '{endpointName}': SSM parameter {parameterName}: \"{field}\" must be a non-empty string");
            }

            var keyId = Field(AccessKeyIdField, required: true);
            var secret = Field(SecretAccessKeyField, required: true);
            var token = Field(SessionTokenField, required: false);
            var region = Field(RegionField, required: false);
            if (region is not null && !Partitions.IsRegionName(region))
            {
                throw new CredentialSourceException($"endpoint '{endpointName}': SSM parameter {parameterName}: \"{RegionField}\" is not a region name");
            }

            return (new ImmutableCredentials(keyId, secret, token), region);
        }
        catch (JsonException)
        {
            // JsonException's message can quote the text around the error, which here is a secret.
            throw new CredentialSourceException($"endpoint '{endpointName}': SSM parameter {parameterName} is not valid JSON; it must hold {expected}");
        }
    }

    private static AmazonSimpleSystemsManagementClient CreateClient(S3EndpointOptions endpoint)
    {
        var options = endpoint.Credentials;
        var config = new AmazonSimpleSystemsManagementConfig { MaxErrorRetry = ReadRetries, Timeout = ReadTimeout };
        if (options.ParameterServiceUrl is { } url)
        {
            config.ServiceURL = url.AbsoluteUri;
            config.AuthenticationRegion = options.ParameterRegion ?? endpoint.SigningRegion;
        }
        else
        {
            config.RegionEndpoint = options.ParameterRegion is { } region
                ? RegionEndpoint.GetBySystemName(region)
                : FallbackRegionFactory.GetRegionEndpoint() ?? RegionEndpoint.GetBySystemName(endpoint.SigningRegion);
        }

        var reader = options.ParameterReader is { } readerOptions
            ? CredentialLoader.SdkCredentials(endpoint.Name, readerOptions)
            : CredentialLoader.SdkCredentials(endpoint.Name, new CredentialSourceOptions());
        return new AmazonSimpleSystemsManagementClient(reader, config);
    }
}
