using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace S3Migrate.Orleans.Aws.Storage;

/// <summary>
/// Orleans grain storage in one DynamoDB table. Each (grain, state name) pair is one item:
/// <list type="table">
/// <item><term><c>GrainReference</c> (S, partition key)</term><description><c>{ServiceId}_{GrainId}</c> with the silo's <see cref="ClusterOptions.ServiceId"/>, so services can share a table and every cluster of one service sees the same state.</description></item>
/// <item><term><c>StateName</c> (S, sort key)</term><description>The <c>[PersistentState]</c> name, so a grain's states are separate items.</description></item>
/// <item><term><c>GrainState</c> (B, or NULL)</term><description>The <see cref="IGrainStorageSerializer"/> output for the state; NULL after a clear that keeps the item.</description></item>
/// <item><term><c>ETag</c> (S)</term><description>A new random value on every write and clear, handed to Orleans as the etag.</description></item>
/// <item><term><c>ExpiresAt</c> (N, only for states in <see cref="DynamoDbGrainStorageOptions.TimeToLive"/>)</term><description>Unix seconds after which the item counts as absent and DynamoDB's time to live may delete it.</description></item>
/// </list>
/// Every write is conditional: on no item existing when the caller has no etag, otherwise on the stored etag
/// being the caller's. A failed condition is an <see cref="InconsistentStateException"/>. An item is limited to
/// 400 KB, so larger states are refused before anything is sent.
/// </summary>
public sealed partial class DynamoDbGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>DynamoDB's item size limit, which counts attribute names as well as values.</summary>
    public const int MaxItemBytes = 400 * 1024;

    internal const string PartitionKey = "GrainReference";
    internal const string SortKey = "StateName";
    internal const string PayloadAttribute = "GrainState";
    internal const string ETagAttribute = "ETag";

    /// <summary>The time-to-live attribute of expiring states (Unix seconds).</summary>
    public const string ExpiresAtAttribute = "ExpiresAt";

    private const int MaxPartitionKeyBytes = 2048;
    private const int MaxSortKeyBytes = 1024;

    private readonly string _name;
    private readonly DynamoDbGrainStorageOptions _options;
    private readonly string _serviceId;
    private readonly IActivatorProvider _activatorProvider;
    private readonly ILogger _logger;
    private IAmazonDynamoDB? _dynamoDb;

    public DynamoDbGrainStorage(
        string name,
        DynamoDbGrainStorageOptions options,
        IOptions<ClusterOptions> clusterOptions,
        IActivatorProvider activatorProvider,
        ILogger<DynamoDbGrainStorage> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clusterOptions);
        _name = name;
        _options = options;
        _serviceId = clusterOptions.Value.ServiceId;
        _activatorProvider = activatorProvider;
        _logger = logger;
    }

    private IAmazonDynamoDB DynamoDb =>
        _dynamoDb ?? throw new InvalidOperationException($"Grain storage '{_name}' is used before the silo initialised it.");

    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(OptionFormattingUtilities.Name<DynamoDbGrainStorage>(_name), _options.InitStage, InitializeAsync);
    }

    /// <summary>Creates the client and checks (or creates) the table; run by the silo lifecycle.</summary>
    internal async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_options.GrainStorageSerializer is null)
        {
            throw new InvalidOperationException($"Grain storage '{_name}' has no GrainStorageSerializer.");
        }

        _dynamoDb ??= _options.CreateClient?.Invoke() ?? DynamoDbClients.Create(_options);
        await DynamoDbTableBootstrap.EnsureAsync(_dynamoDb, _options, PartitionKey, SortKey, cancellationToken);
        if (_options.TimeToLive.Count > 0)
        {
            await DynamoDbTableBootstrap.EnsureTimeToLiveAsync(_dynamoDb, _options, ExpiresAtAttribute, _logger, cancellationToken);
        }

        LogInitialized(_logger, _name, _options.TableName, _options.DeleteStateOnClear);
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(
        string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var response = await DynamoDb.GetItemAsync(
            new GetItemRequest { TableName = _options.TableName, Key = Key(stateName, grainId), ConsistentRead = true },
            cancellationToken);
        if (!response.IsItemSet || response.Item is null || response.Item.Count == 0)
        {
            grainState.State = NewState<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        var item = response.Item;
        var payload = item.TryGetValue(PayloadAttribute, out var stored) && !Expired(item) ? stored.B : null;
        grainState.State = payload is null
            ? NewState<T>()
            : _options.GrainStorageSerializer.Deserialize<T>(BinaryData.FromBytes(payload.ToArray()));
        grainState.ETag = item.TryGetValue(ETagAttribute, out var etag) ? etag.S : null;
        grainState.RecordExists = payload is not null;
    }

    public async Task WriteStateAsync<T>(
        string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var payload = _options.GrainStorageSerializer.Serialize(grainState.State);
        var newETag = NewETag();
        var item = Item(stateName, grainId, new AttributeValue { B = new MemoryStream(payload.ToArray()) }, newETag);
        StampExpiry(item, stateName);
        EnsureFits(stateName, grainId, payload.Length, newETag);
        await PutConditionallyAsync(item, grainState.ETag, "write", stateName, grainId, cancellationToken);
        grainState.ETag = newETag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(
        string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        if (_options.DeleteStateOnClear)
        {
            await DeleteConditionallyAsync(stateName, grainId, grainState.ETag, cancellationToken);
            grainState.ETag = null;
        }
        else
        {
            var newETag = NewETag();
            var tombstone = Item(stateName, grainId, new AttributeValue { NULL = true }, newETag);
            StampExpiry(tombstone, stateName);
            await PutConditionallyAsync(tombstone, grainState.ETag, "clear", stateName, grainId, cancellationToken);
            grainState.ETag = newETag;
        }

        grainState.State = NewState<T>();
        grainState.RecordExists = false;
    }

    public void Dispose() => _dynamoDb?.Dispose();

    private async Task PutConditionallyAsync(
        Dictionary<string, AttributeValue> item,
        string? expectedETag,
        string operation,
        string stateName,
        GrainId grainId,
        CancellationToken cancellationToken)
    {
        var condition = ConditionOn(expectedETag);
        var request = new PutItemRequest
        {
            TableName = _options.TableName,
            Item = item,
            ConditionExpression = condition.Expression,
            ExpressionAttributeNames = condition.Names,
            ExpressionAttributeValues = condition.Values,
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        };
        try
        {
            await DynamoDb.PutItemAsync(request, cancellationToken);
        }
        catch (ConditionalCheckFailedException conflict)
        {
            throw Inconsistent(operation, stateName, grainId, expectedETag, conflict);
        }
    }

    private async Task DeleteConditionallyAsync(
        string stateName, GrainId grainId, string? expectedETag, CancellationToken cancellationToken)
    {
        var condition = ConditionOn(expectedETag);
        var request = new DeleteItemRequest
        {
            TableName = _options.TableName,
            Key = Key(stateName, grainId),
            ConditionExpression = condition.Expression,
            ExpressionAttributeNames = condition.Names,
            ExpressionAttributeValues = condition.Values,
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        };
        try
        {
            await DynamoDb.DeleteItemAsync(request, cancellationToken);
        }
        catch (ConditionalCheckFailedException conflict)
        {
            throw Inconsistent("clear", stateName, grainId, expectedETag, conflict);
        }
    }

    /// <summary>No etag: the item must not exist. An etag: the item must hold that etag (so it must exist).</summary>
    private static WriteCondition ConditionOn(string? expectedETag) => expectedETag is null
        ? new("attribute_not_exists(#pk)", new() { ["#pk"] = PartitionKey }, null)
        : new("#etag = :etag", new() { ["#etag"] = ETagAttribute }, new() { [":etag"] = new AttributeValue { S = expectedETag } });

    private InconsistentStateException Inconsistent(
        string operation, string stateName, GrainId grainId, string? expectedETag, ConditionalCheckFailedException conflict)
    {
        var storedETag = conflict.Item is { Count: > 0 } stored && stored.TryGetValue(ETagAttribute, out var etag) ? etag.S : null;
        LogConflict(_logger, operation, stateName, grainId, expectedETag, storedETag);
        return new InconsistentStateException(
            $"DynamoDB grain storage '{_name}': {operation} of state '{stateName}' of grain {grainId} expected etag "
                + $"'{expectedETag ?? "none"}' but the table holds '{storedETag ?? "none"}'.",
            storedETag ?? "none",
            expectedETag ?? "none",
            conflict);
    }

    private void EnsureFits(string stateName, GrainId grainId, long payloadBytes, string etag)
    {
        var size = Encoding.UTF8.GetByteCount(PartitionKey) + Encoding.UTF8.GetByteCount(PartitionKeyValue(grainId))
            + Encoding.UTF8.GetByteCount(SortKey) + Encoding.UTF8.GetByteCount(stateName)
            + Encoding.UTF8.GetByteCount(PayloadAttribute) + payloadBytes
            + Encoding.UTF8.GetByteCount(ETagAttribute) + Encoding.UTF8.GetByteCount(etag)
            + (_options.TimeToLive.ContainsKey(stateName) ? Encoding.UTF8.GetByteCount(ExpiresAtAttribute) + 21 : 0);
        if (size > MaxItemBytes)
        {
            throw new ArgumentException(
                $"State '{stateName}' of grain {grainId} serializes to a {size.ToString("N0", CultureInfo.InvariantCulture)}-byte "
                    + $"DynamoDB item; the limit is {MaxItemBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes "
                    + $"(grain storage '{_name}'). Keep large data elsewhere (S3) and store a reference.",
                nameof(grainId));
        }
    }

    private Dictionary<string, AttributeValue> Key(string stateName, GrainId grainId)
    {
        var partition = PartitionKeyValue(grainId);
        if (Encoding.UTF8.GetByteCount(partition) > MaxPartitionKeyBytes)
        {
            throw new ArgumentException(
                $"Grain {grainId} makes a DynamoDB partition key longer than {MaxPartitionKeyBytes} bytes.", nameof(grainId));
        }

        if (string.IsNullOrEmpty(stateName) || Encoding.UTF8.GetByteCount(stateName) > MaxSortKeyBytes)
        {
            throw new ArgumentException(
                $"State name '{stateName}' must be 1 to {MaxSortKeyBytes} bytes long.", nameof(stateName));
        }

        return new() { [PartitionKey] = new AttributeValue { S = partition }, [SortKey] = new AttributeValue { S = stateName } };
    }

    private Dictionary<string, AttributeValue> Item(string stateName, GrainId grainId, AttributeValue payload, string etag)
    {
        var item = Key(stateName, grainId);
        item[PayloadAttribute] = payload;
        item[ETagAttribute] = new AttributeValue { S = etag };
        return item;
    }

    /// <summary>An expiring state's item carries the time after which it counts as gone.</summary>
    private void StampExpiry(Dictionary<string, AttributeValue> item, string stateName)
    {
        if (_options.TimeToLive.TryGetValue(stateName, out var span))
        {
            var at = _options.TimeProvider.GetUtcNow().Add(span).ToUnixTimeSeconds();
            item[ExpiresAtAttribute] = new AttributeValue { N = at.ToString(CultureInfo.InvariantCulture) };
        }
    }

    /// <summary>
    /// DynamoDB deletes expired items late (typically within days), so a read must not return one. Its etag is kept,
    /// so the next write still meets the item's condition.
    /// </summary>
    private bool Expired(Dictionary<string, AttributeValue> item) =>
        item.TryGetValue(ExpiresAtAttribute, out var value) && value.N is { } seconds
        && long.TryParse(seconds, NumberStyles.Integer, CultureInfo.InvariantCulture, out var at)
        && at <= _options.TimeProvider.GetUtcNow().ToUnixTimeSeconds();

    private string PartitionKeyValue(GrainId grainId) => $"{_serviceId}_{grainId}";

    private T NewState<T>() => _activatorProvider.GetActivator<T>().Create();

    private static string NewETag() => Guid.NewGuid().ToString("N");

    [LoggerMessage(Level = LogLevel.Information, Message = "DynamoDB grain storage '{Name}' uses table '{Table}' (delete on clear: {DeleteOnClear})")]
    private static partial void LogInitialized(ILogger logger, string name, string table, bool deleteOnClear);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Etag conflict on {Operation} of state '{StateName}' of grain {GrainId}: expected {Expected}, stored {Stored}")]
    private static partial void LogConflict(
        ILogger logger, string operation, string stateName, GrainId grainId, string? expected, string? stored);

    /// <summary>DynamoDB rejects unused placeholders, so each condition carries exactly the names and values it uses.</summary>
    private readonly record struct WriteCondition(
        string Expression, Dictionary<string, string> Names, Dictionary<string, AttributeValue>? Values);
}
