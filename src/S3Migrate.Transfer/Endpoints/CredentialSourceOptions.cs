namespace S3Migrate.Transfer.Endpoints;

/// <summary>How an endpoint obtains (and refreshes) its credentials.</summary>
public sealed record CredentialSourceOptions
{
    /// <summary>Credentials are reloaded this often even without an error, so rotated keys are picked up.</summary>
    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromMinutes(15);

    public CredentialSourceKind Kind { get; init; } = CredentialSourceKind.Default;

    /// <summary>For <see cref="CredentialSourceKind.Profile"/>: the profile's name.</summary>
    public string? ProfileName { get; init; }

    /// <summary>
    /// For <see cref="CredentialSourceKind.Profile"/>: the shared credentials file to read (its <c>config</c> file is
    /// looked for beside it). Null reads the usual files (~/.aws/credentials and ~/.aws/config, or the files named by
    /// AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE). The file is read again at every refresh.
    /// </summary>
    public string? ProfilesFile { get; init; }

    /// <summary>
    /// For <see cref="CredentialSourceKind.Environment"/>: a prefix for the variable names, so that two endpoints can
    /// both come from the environment — "CHINA_" reads CHINA_AWS_ACCESS_KEY_ID, CHINA_AWS_SECRET_ACCESS_KEY and
    /// CHINA_AWS_SESSION_TOKEN. Null (the default) reads the standard AWS_* variables.
    /// </summary>
    public string? EnvironmentPrefix { get; init; }

    /// <summary>For <see cref="CredentialSourceKind.Static"/>.</summary>
    public string? AccessKeyId { get; init; }

    /// <summary>For <see cref="CredentialSourceKind.Static"/>. Never logged.</summary>
    public string? SecretAccessKey { get; init; }

    /// <summary>For <see cref="CredentialSourceKind.Static"/>: the session token of temporary keys. Never logged.</summary>
    public string? SessionToken { get; init; }

    /// <summary>For <see cref="CredentialSourceKind.SsmParameter"/>: the SecureString's name.</summary>
    public string? ParameterName { get; init; }

    /// <summary>
    /// The region that holds the SSM parameter. Null uses this machine's region (AWS_REGION, the profile, or the
    /// instance's own region) and, failing that, the endpoint's: the original tool kept the China keys in a parameter
    /// of the cluster's (global) region, so the endpoint's region is not the right default.
    /// </summary>
    public string? ParameterRegion { get; init; }

    /// <summary>An SSM-compatible endpoint (tests); null uses the regional AWS endpoint.</summary>
    public Uri? ParameterServiceUrl { get; init; }

    /// <summary>
    /// The credentials that read the SSM parameter. Null uses the default chain — on EC2, the instance role. May not
    /// itself be an SSM parameter.
    /// </summary>
    public CredentialSourceOptions? ParameterReader { get; init; }

    public TimeSpan RefreshInterval { get; init; } = DefaultRefreshInterval;

    /// <summary>
    /// The first problem with these settings, or null. <paramref name="serviceUrl"/> is where the credentials are used:
    /// static keys are accepted only for a loopback service (development against a local S3).
    /// </summary>
    public string? Validate(string endpointName, Uri? serviceUrl)
    {
        var problem = Kind switch
        {
            CredentialSourceKind.Profile when string.IsNullOrWhiteSpace(ProfileName) =>
                "credential source Profile needs a profile name",
            CredentialSourceKind.Profile when ProfilesFile is { } file && !File.Exists(file) =>
                $"the profiles file '{file}' does not exist",
            CredentialSourceKind.Static when string.IsNullOrWhiteSpace(AccessKeyId) || string.IsNullOrWhiteSpace(SecretAccessKey) =>
                "credential source Static needs an access key id and a secret access key",
            CredentialSourceKind.Static when serviceUrl is not { IsLoopback: true } =>
                "static keys in configuration are for development against a loopback endpoint only; " +
                "use the instance role (Default), a profile, the environment or an SSM parameter",
            CredentialSourceKind.Environment when EnvironmentPrefix is { } prefix && !IsVariableName(prefix) =>
                $"the environment prefix '{prefix}' may only hold letters, digits and '_'",
            CredentialSourceKind.SsmParameter when string.IsNullOrWhiteSpace(ParameterName) =>
                "credential source SsmParameter needs a parameter name",
            CredentialSourceKind.SsmParameter when ParameterRegion is { } region && !Partitions.IsRegionName(region) =>
                $"the SSM parameter region '{region}' is not a region name",
            CredentialSourceKind.SsmParameter when ParameterReader is { Kind: CredentialSourceKind.SsmParameter } =>
                "the credentials that read an SSM parameter cannot come from an SSM parameter themselves",
            _ when RefreshInterval <= TimeSpan.Zero => "the credential refresh interval must be positive",
            _ => null,
        };
        if (problem is not null)
        {
            return $"endpoint '{endpointName}': {problem}";
        }

        return Kind == CredentialSourceKind.SsmParameter && ParameterReader is { } reader
            ? reader.Validate(endpointName, ParameterServiceUrl)
            : null;
    }

    /// <summary>Describes the source for logs and errors; never includes a secret.</summary>
    public override string ToString() => Kind switch
    {
        CredentialSourceKind.Default => "the default credential chain",
        CredentialSourceKind.Profile => ProfilesFile is null ? $"profile '{ProfileName}'" : $"profile '{ProfileName}' in {ProfilesFile}",
        CredentialSourceKind.Environment => $"environment variables {EnvironmentPrefix}AWS_*",
        CredentialSourceKind.Static => $"static key {LoadedCredentials.MaskedKeyId(AccessKeyId)}",
        CredentialSourceKind.SsmParameter => $"SSM parameter {ParameterName}",
        _ => Kind.ToString(),
    };

    private static bool IsVariableName(string prefix) => prefix.All(static c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
