namespace S3Migrate.Infra.Configuration;

/// <summary>Where the silos live in the VPC.</summary>
internal enum NetworkLayout
{
    /// <summary>
    /// Public subnets only; each silo has a public address and reaches the other partition directly. No NAT gateway,
    /// so no per-gigabyte NAT processing charge on the migrated bytes.
    /// </summary>
    PublicSubnets,

    /// <summary>
    /// Silos in private subnets with egress through NAT gateways in public subnets. Silos have no public address, but
    /// every byte that crosses to the other partition pays the NAT gateway's data processing charge.
    /// </summary>
    PrivateSubnetsWithNat,
}
