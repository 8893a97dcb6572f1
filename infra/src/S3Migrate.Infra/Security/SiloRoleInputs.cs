using Amazon.CDK.AWS.SNS;
using S3Migrate.Infra.Configuration;
using S3Migrate.Infra.Observability;
using S3Migrate.Infra.Queues;
using S3Migrate.Infra.State;

namespace S3Migrate.Infra.Security;

/// <summary>The resources the silos use, which the instance role is scoped to.</summary>
internal sealed record SiloRoleInputs(
    S3MigrateStackProps Props,
    DeploymentParameters Parameters,
    JobQueues Queues,
    ClusterTables Tables,
    MigrationParameters Migration,
    ClusterLogGroups Logs,
    ITopic Topic);
