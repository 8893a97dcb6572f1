using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Constructs;
using S3Migrate.Infra.Configuration;
using DdbAttribute = Amazon.CDK.AWS.DynamoDB.Attribute;

namespace S3Migrate.Infra.State;

/// <summary>
/// The three DynamoDB tables of the Orleans cluster, with the key schemas the silo's providers use. All are on-demand,
/// have point-in-time recovery and are encrypted with the AWS-managed DynamoDB key. Membership is disposable; grain
/// state (resume plans, migration progress, failure lists) and reminders are kept when the stack is deleted, unless
/// told otherwise.
/// </summary>
internal sealed class ClusterTables : Construct
{
    public const string MembershipPartitionKey = "DeploymentId";
    public const string MembershipSortKey = "SiloIdentity";
    public const string GrainStatePartitionKey = "GrainReference";
    public const string GrainStateSortKey = "StateName";

    /// <summary>Unix seconds after which an expiring grain state (a finished upload's resume record) may be deleted.</summary>
    public const string GrainStateTimeToLiveAttribute = "ExpiresAt";
    public const string ReminderPartitionKey = "ServiceId";
    public const string ReminderSortKey = "ReminderKey";

    public Table Membership { get; }

    public Table GrainState { get; }

    public Table Reminders { get; }

    public IReadOnlyList<Table> All => [Membership, GrainState, Reminders];

    public ClusterTables(Construct scope, string id, S3MigrateStackProps props)
        : base(scope, id)
    {
        var stateRemoval = props.RetainStateOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
        Membership = NewTable("MembershipTable", MembershipPartitionKey, MembershipSortKey, RemovalPolicy.DESTROY);
        GrainState = NewTable("GrainStateTable", GrainStatePartitionKey, GrainStateSortKey, stateRemoval, GrainStateTimeToLiveAttribute);
        Reminders = NewTable("ReminderTable", ReminderPartitionKey, ReminderSortKey, stateRemoval);
    }

    private Table NewTable(string id, string partitionKey, string sortKey, RemovalPolicy removal, string? timeToLive = null) => new(this, id, new TableProps
    {
        TimeToLiveAttribute = timeToLive,
        PartitionKey = new DdbAttribute { Name = partitionKey, Type = AttributeType.STRING },
        SortKey = new DdbAttribute { Name = sortKey, Type = AttributeType.STRING },
        BillingMode = BillingMode.PAY_PER_REQUEST,
        PointInTimeRecovery = true,
        Encryption = TableEncryption.AWS_MANAGED,
        RemovalPolicy = removal,
    });
}
