namespace S3Migrate.Transfer.Endpoints;

/// <summary>Why an endpoint's credentials are being loaded.</summary>
public enum CredentialLoadReason
{
    /// <summary>The first request of the endpoint.</summary>
    Initial,

    /// <summary>The refresh interval passed (or the credentials are about to expire).</summary>
    Periodic,

    /// <summary>S3 refused the credentials (InvalidAccessKeyId, ExpiredToken, SignatureDoesNotMatch…).</summary>
    Rejected,
}
