using Amazon.DynamoDBv2.Model;

namespace S3Migrate.Orleans.Aws.Clustering;

/// <summary>
/// The membership table's layout: partition key = cluster id, sort key = silo identity, plus one "version row"
/// per cluster that carries the table version and its etag. No attribute name is a DynamoDB reserved word, yet
/// every expression still goes through <c>#name</c> placeholders.
/// </summary>
internal static class MembershipTableSchema
{
    public const string ClusterId = "DeploymentId";
    public const string SiloIdentity = "SiloIdentity";

    /// <summary>The sort key of the row holding the table version; never a silo identity ("ip-port-generation").</summary>
    public const string VersionRowIdentity = "VersionRow";

    public const string Address = "Address";
    public const string Port = "Port";
    public const string Generation = "Generation";
    public const string SiloStatus = "SiloStatus";
    public const string ProxyPort = "ProxyPort";
    public const string HostName = "HostName";
    public const string SiloName = "SiloName";
    public const string RoleName = "RoleName";
    public const string UpdateZone = "UpdateZone";
    public const string FaultZone = "FaultZone";
    public const string StartTime = "StartTime";
    public const string IAmAliveTime = "IAmAliveTime";
    public const string SuspectingSilos = "SuspectingSilos";
    public const string SuspectingTimes = "SuspectingTimes";

    /// <summary>On a silo row, the table version it was written with; on the version row, the current version.</summary>
    public const string MembershipVersion = "MembershipVersion";

    /// <summary>A counter bumped by every conditional write; its decimal text is the etag Orleans sees.</summary>
    public const string ETag = "ETag";

    public static Dictionary<string, AttributeValue> Key(string clusterId, string siloIdentity) => new()
    {
        [ClusterId] = new AttributeValue { S = clusterId },
        [SiloIdentity] = new AttributeValue { S = siloIdentity },
    };

    public static Dictionary<string, AttributeValue> VersionRowKey(string clusterId) => Key(clusterId, VersionRowIdentity);
}
