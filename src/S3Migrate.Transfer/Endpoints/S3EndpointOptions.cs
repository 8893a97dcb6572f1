namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// One S3 endpoint: an AWS region (partition derived from it: cn-* is aws-cn with amazonaws.com.cn) or a service URL
/// for S3-compatible stores, and the credentials to use there.
/// </summary>
public sealed record S3EndpointOptions
{
    /// <summary>The region signed for when only a service URL is given.</summary>
    public const string DefaultRegion = "us-east-1";

    public required string Name { get; init; }

    /// <summary>
    /// An AWS region such as eu-west-1 or cn-north-1. May be left out when the credentials come from an SSM parameter
    /// that carries a "region" (the original format): the endpoint then takes that region (see
    /// <see cref="S3Endpoint.CreateAsync"/>).
    /// </summary>
    public string? Region { get; init; }

    /// <summary>
    /// An S3-compatible endpoint: https, or plain http to a loopback address (a local S3 for development). Plain http to
    /// any other host is refused unless <see cref="AllowPlainHttp"/>.
    /// </summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>Path-style addressing (bucket in the path). Defaults to true when <see cref="ServiceUrl"/> is set.</summary>
    public bool? ForcePathStyle { get; init; }

    public CredentialSourceOptions Credentials { get; init; } = new();

    /// <summary>A PEM file with an extra certificate authority to trust (a private or development CA).</summary>
    public string? CertificateAuthorityPath { get; init; }

    /// <summary>
    /// Accepts http:// to a host that is not loopback (an S3-compatible store on a private network). Off by default:
    /// object data would cross the network in clear.
    /// </summary>
    public bool AllowPlainHttp { get; init; }

    public string SigningRegion => Region ?? DefaultRegion;

    /// <summary>aws, aws-cn or aws-us-gov, from the region.</summary>
    public string Partition => Partitions.ForRegion(SigningRegion);

    /// <summary>The partition's DNS suffix: amazonaws.com.cn for the China regions, amazonaws.com elsewhere.</summary>
    public string DnsSuffix => Partitions.DnsSuffix(Partition);

    public bool UsesTls => ServiceUrl is null || ServiceUrl.Scheme == Uri.UriSchemeHttps;

    /// <summary>Whether the bucket goes in the path: <see cref="ForcePathStyle"/>, by default when a service URL is set.</summary>
    public bool UsesPathStyle => ForcePathStyle ?? ServiceUrl is not null;

    /// <summary>The region is not configured but read from the SSM parameter that holds the credentials.</summary>
    public bool RegionFromCredentials => Region is null && Credentials.Kind == CredentialSourceKind.SsmParameter;

    /// <summary>Identifies the S3 service this endpoint reaches (for resume records and same-endpoint detection).</summary>
    public string ServiceIdentity => ServiceUrl is { } url ? url.GetLeftPart(UriPartial.Authority).ToLowerInvariant() : $"{Partition}:{SigningRegion}";

    /// <summary>The first problem with these settings, as one line naming the endpoint, or null.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            return "an endpoint needs a name";
        }

        if (Region is null && ServiceUrl is null && !RegionFromCredentials)
        {
            return $"endpoint '{Name}': set a region (e.g. cn-north-1) or a service URL";
        }

        if (Region is not null && !Partitions.IsRegionName(Region))
        {
            return $"endpoint '{Name}': '{Region}' is not a region name";
        }

        if (ServiceUrl is { } url)
        {
            if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                return $"endpoint '{Name}': service URL '{url}' must be an absolute http or https URL";
            }

            if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback && !AllowPlainHttp)
            {
                return $"endpoint '{Name}': plain http is only allowed to a loopback address, and {url.Host} is not one; use https";
            }
        }

        if (CertificateAuthorityPath is { } ca && !File.Exists(ca))
        {
            return $"endpoint '{Name}': certificate authority file '{ca}' does not exist";
        }

        return Credentials.Validate(Name, ServiceUrl);
    }
}
