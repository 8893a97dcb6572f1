using System.Text.Json;
using S3Migrate.LocalS3.Auth;
using S3Migrate.LocalS3.Hosting;
using S3Migrate.Testing;
using S3Migrate.Transfer.Endpoints;

namespace S3Migrate.Transfer.Tests.Endpoints;

/// <summary>Key pairs the endpoint tests hand out and rotate, and the credential sources that carry them.</summary>
public static class TestCredentials
{
    /// <summary>The keys that read SSM parameters (the stand-in records them; it checks no signature).</summary>
    public const string ReaderKeyId = "AKIASSMREADER000R01";
    public const string ReaderSecret = "ssm-reader/secret+never-shown/R01";

    /// <summary>A fresh key pair with a recognisable secret, distinct in its last four characters.</summary>
    public static AccessKey NewKey(string label)
    {
        var id = $"AKIA{label.ToUpperInvariant()}{Random.Shared.Next(100_000, 999_999)}";
        return new AccessKey(id, $"{label}/secret+{Guid.NewGuid():N}/never-shown");
    }

    /// <summary>The original tool's SecureString value.</summary>
    public static string ParameterValue(AccessKey key, string? region) => JsonSerializer.Serialize(region is null
        ? new Dictionary<string, string> { [SsmCredentialParameter.AccessKeyIdField] = key.AccessKeyId, [SsmCredentialParameter.SecretAccessKeyField] = key.SecretAccessKey }
        : new Dictionary<string, string>
        {
            [SsmCredentialParameter.AccessKeyIdField] = key.AccessKeyId,
            [SsmCredentialParameter.SecretAccessKeyField] = key.SecretAccessKey,
            [SsmCredentialParameter.RegionField] = region,
        });

    /// <summary>Credentials from an SSM parameter served by <paramref name="ssm"/>, read with <see cref="ReaderKeyId"/>.</summary>
    public static CredentialSourceOptions FromParameter(SsmStandIn ssm, string parameterName, TimeSpan? refreshInterval = null) => new()
    {
        Kind = CredentialSourceKind.SsmParameter,
        ParameterName = parameterName,
        ParameterServiceUrl = ssm.ServiceUrl,
        ParameterRegion = LocalS3Harness.GlobalRegion,
        ParameterReader = new CredentialSourceOptions { Kind = CredentialSourceKind.Static, AccessKeyId = ReaderKeyId, SecretAccessKey = ReaderSecret },
        RefreshInterval = refreshInterval ?? CredentialSourceOptions.DefaultRefreshInterval,
    };

    /// <summary>An endpoint on a LocalS3 server whose keys come from <paramref name="credentials"/>.</summary>
    public static S3EndpointOptions Endpoint(LocalS3Endpoint server, CredentialSourceOptions credentials, bool withRegion = true) => new()
    {
        Name = server.Name,
        ServiceUrl = server.ServiceUrl,
        Region = withRegion ? server.Options.Region : null,
        Credentials = credentials,
    };

    /// <summary>An AWS shared credentials file holding one profile.</summary>
    public static void WriteProfile(string path, string profile, AccessKey key) =>
        File.WriteAllText(path, $"""
            [unrelated]
            aws_access_key_id = AKIAUNRELATED0000U01
            aws_secret_access_key = unrelated-secret

            [{profile}]
            aws_access_key_id = {key.AccessKeyId}
            aws_secret_access_key = {key.SecretAccessKey}

            """);

    /// <summary>What an operator does to rotate: the server starts accepting the new key and stops accepting the old.</summary>
    public static void Rotate(LocalS3Endpoint server, AccessKey from, AccessKey to)
    {
        server.Verifier.AddKey(to);
        server.Verifier.RemoveKey(from.AccessKeyId);
    }
}
