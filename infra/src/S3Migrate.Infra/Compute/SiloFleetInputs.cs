using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.SNS;
using S3Migrate.Infra.Configuration;
using S3Migrate.Infra.Network;
using S3Migrate.Infra.Observability;
using S3Migrate.Infra.Queues;
using S3Migrate.Infra.State;

namespace S3Migrate.Infra.Compute;

/// <summary>What the silo fleet is built from and what its silos are told about.</summary>
internal sealed record SiloFleetInputs(
    S3MigrateStackProps Props,
    DeploymentParameters Parameters,
    SiloNetwork Network,
    JobQueues Queues,
    ClusterTables Tables,
    MigrationParameters Migration,
    ClusterLogGroups Logs,
    ITopic Topic,
    IRole Role);
