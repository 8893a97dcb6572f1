using Amazon.DynamoDBv2;
using Orleans;
using Orleans.Storage;

namespace S3Migrate.Orleans.Aws.Storage;

/// <summary>Settings of one named DynamoDB grain-storage provider.</summary>
public sealed class DynamoDbGrainStorageOptions : DynamoDbTableOptions, IStorageProviderSerializerOptions
{
    /// <summary>The table name used unless <see cref="DynamoDbTableOptions.TableName"/> is set.</summary>
    public const string DefaultTableName = "OrleansGrainState";

    public DynamoDbGrainStorageOptions()
    {
        TableName = DefaultTableName;
    }

    /// <summary>
    /// What clearing a state does. True: delete the item, so the next read finds nothing and the etag becomes null.
    /// False (default): keep the item with an empty payload and a new etag, so a stale activation's later write
    /// still fails its etag check.
    /// </summary>
    public bool DeleteStateOnClear { get; set; }

    /// <summary>
    /// States that expire, by state name (the <c>[PersistentState]</c> name): every write of such a state stamps the
    /// item's <see cref="DynamoDbGrainStorage.ExpiresAtAttribute"/> with the write time plus the given span, DynamoDB's
    /// time to live deletes the item some time after that (without consuming write capacity), and a read already
    /// treats it as absent. Empty (default): nothing expires. The table's time to live must be on that attribute;
    /// the provider turns it on when it may create the table.
    /// </summary>
    public IDictionary<string, TimeSpan> TimeToLive { get; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

    /// <summary>The clock for expiry times; the system clock unless a test sets another.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The silo lifecycle stage at which the table is checked or created; default <see cref="ServiceLifecycleStage.ApplicationServices"/>.</summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;

    /// <summary>
    /// Turns grain state into the bytes stored in the item and back. Left unset, it becomes the serializer
    /// registered for this provider's name, or else the silo's default grain-storage serializer.
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;

    /// <summary>
    /// Builds the DynamoDB client. Null (default): a client for <see cref="DynamoDbTableOptions.ServiceUrl"/> or
    /// <see cref="DynamoDbTableOptions.Region"/> with the SDK's default credential chain. The provider disposes the
    /// client it gets.
    /// </summary>
    public Func<IAmazonDynamoDB>? CreateClient { get; set; }
}
