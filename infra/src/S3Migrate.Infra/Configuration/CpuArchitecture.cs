namespace S3Migrate.Infra.Configuration;

/// <summary>Processor architecture of the silo instances; selects the AMI and the default instance types and runtime.</summary>
internal enum CpuArchitecture
{
    /// <summary>Intel and AMD instances (for example c6i, c5).</summary>
    X64,

    /// <summary>AWS Graviton instances (for example c6g, m6g).</summary>
    Arm64,
}
