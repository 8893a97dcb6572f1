namespace S3Migrate.Transfer.Endpoints;

/// <summary>How an endpoint obtains (and refreshes) its credentials.</summary>
public sealed record CredentialSourceOptions
{
    /// <summary>Credentials are reloaded this often even without an error, so rotated keys are picked up.</summary>
    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromMinutes(15);

    public CredentialSourceKind Kind { get; init; } = CredentialSourceKind.Default;

    /// <summary>For <see cref="CredentialSourceKind.Profile"/>.</summary>
    public string? ProfileName { get; init; }

    /// <summary>For <see cref="CredentialSourceKind.Static"/>.</summary>
    public string? AccessKeyId { get; init; }

    /// <summary>For <see cref="CredentialSourceKind.Static"/>. Never logged.</summary>
    public string? SecretAccessKey { get; init; }

    public string? SessionToken { get; init; }

    /// <summary>For <see cref="CredentialSourceKind.SsmParameter"/>: the SecureString's name.</summary>
    public string? ParameterName { get; init; }

    /// <summary>The region of the SSM parameter (the cluster's own region), when it differs from the endpoint's.</summary>
    public string? ParameterRegion { get; init; }

    /// <summary>An SSM-compatible endpoint (tests); null uses the regional AWS endpoint.</summary>
    public Uri? ParameterServiceUrl { get; init; }

    public TimeSpan RefreshInterval { get; init; } = DefaultRefreshInterval;

    /// <summary>The first problem with these settings, or null.</summary>
    public string? Validate(string endpointName) => Kind switch
    {
        CredentialSourceKind.Profile when string.IsNullOrWhiteSpace(ProfileName) =>
            $"endpoint '{endpointName}': credential source Profile needs a profile name",
        CredentialSourceKind.Static when string.IsNullOrWhiteSpace(AccessKeyId) || string.IsNullOrWhiteSpace(SecretAccessKey) =>
            $"endpoint '{endpointName}': credential source Static needs an access key id and a secret access key",
        CredentialSourceKind.SsmParameter when string.IsNullOrWhiteSpace(ParameterName) =>
            $"endpoint '{endpointName}': credential source SsmParameter needs a parameter name",
        _ when RefreshInterval <= TimeSpan.Zero => $"endpoint '{endpointName}': the credential refresh interval must be positive",
        _ => null,
    };

    public override string ToString() => Kind switch
    {
        CredentialSourceKind.Profile => $"profile {ProfileName}",
        CredentialSourceKind.Static => $"static key {AccessKeyId}",
        CredentialSourceKind.SsmParameter => $"SSM parameter {ParameterName}",
        _ => Kind.ToString(),
    };
}
