using System.Globalization;
using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using S3Migrate.Orleans.Aws.Storage;

namespace S3Migrate.Orleans.Aws.Reminders;

/// <summary>
/// The Orleans reminder table in DynamoDB. One item per reminder:
/// <list type="table">
/// <item><term><c>ServiceId</c> (S, partition key)</term><description><see cref="ClusterOptions.ServiceId"/>: services sharing the table never see each other's reminders, and clusters of one service (blue/green) share theirs.</description></item>
/// <item><term><c>ReminderKey</c> (S, sort key)</term><description>Grain hash, grain id and reminder name; see <see cref="ReminderKey"/>.</description></item>
/// <item><term><c>GrainId</c>, <c>ReminderName</c> (S)</term><description>The reminder's identity, as Orleans prints it.</description></item>
/// <item><term><c>StartAt</c> (S)</term><description>The first tick, UTC, round-trip ("O") format.</description></item>
/// <item><term><c>Period</c> (S)</term><description>The period, constant ("c") format.</description></item>
/// <item><term><c>ETag</c> (S)</term><description>A new random value on every upsert, so an etag never comes back after a delete.</description></item>
/// </list>
/// Every read is strongly consistent; range reads are sort-key queries within the service's partition.
/// </summary>
public sealed partial class DynamoDbReminderTable : IReminderTable, IDisposable
{
    internal const string PartitionKey = "ServiceId";
    internal const string SortKey = "ReminderKey";
    private const string GrainIdAttribute = "GrainId";
    private const string ReminderNameAttribute = "ReminderName";
    private const string StartAtAttribute = "StartAt";
    private const string PeriodAttribute = "Period";
    private const string ETagAttribute = "ETag";

    /// <summary>BatchWriteItem's limit.</summary>
    private const int MaxBatchSize = 25;

    private static readonly TimeSpan UnprocessedRetryDelay = TimeSpan.FromMilliseconds(200);

    private readonly DynamoDbReminderTableOptions _options;
    private readonly string _serviceId;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private IAmazonDynamoDB? _dynamoDb;

    public DynamoDbReminderTable(
        IOptions<DynamoDbReminderTableOptions> options,
        IOptions<ClusterOptions> clusterOptions,
        ILogger<DynamoDbReminderTable> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clusterOptions);
        _options = options.Value;
        _serviceId = clusterOptions.Value.ServiceId;
        _logger = logger;
    }

    public Task Init() => StartAsync(CancellationToken.None);

    /// <summary>Creates the client and checks (or creates) the table. Every other member also does this on first use.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default) => await ClientAsync(cancellationToken);

    public Task<ReminderTableData> ReadRows(GrainId grainId) => ReadRows(grainId, CancellationToken.None);

    public async Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken)
    {
        var entries = await QueryAsync(
            "begins_with(#sk, :prefix)",
            new() { [":prefix"] = S(ReminderKey.GrainPrefix(grainId)) },
            cancellationToken);
        return new ReminderTableData(entries);
    }

    public Task<ReminderTableData> ReadRows(uint begin, uint end) => ReadRows(begin, end, CancellationToken.None);

    /// <summary>Rows whose grain hash h has begin &lt; h &lt;= end, or, when begin &gt;= end, h &gt; begin or h &lt;= end.</summary>
    public async Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken)
    {
        var after = S(ReminderKey.AfterAllOfHash(begin));
        var upTo = S(ReminderKey.AfterAllOfHash(end));
        if (begin < end)
        {
            return new ReminderTableData(await QueryAsync(
                "#sk BETWEEN :after AND :upTo", new() { [":after"] = after, [":upTo"] = upTo }, cancellationToken));
        }

        var aboveBegin = await QueryAsync("#sk > :after", new() { [":after"] = after }, cancellationToken);
        var upToEnd = await QueryAsync("#sk < :upTo", new() { [":upTo"] = upTo }, cancellationToken);
        return new ReminderTableData(aboveBegin.Concat(upToEnd));
    }

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
        ReadRow(grainId, reminderName, CancellationToken.None);

    /// <returns>The reminder, or null when there is none.</returns>
    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken)
    {
        var dynamoDb = await ClientAsync(cancellationToken);
        var response = await dynamoDb.GetItemAsync(
            new GetItemRequest { TableName = _options.TableName, Key = Key(grainId, reminderName), ConsistentRead = true },
            cancellationToken);
        return response.IsItemSet && response.Item is { Count: > 0 } item ? ToEntry(item) : null;
    }

    public Task<string?> UpsertRow(ReminderEntry entry) => UpsertRow(entry, CancellationToken.None);

    /// <returns>The row's new etag.</returns>
    public async Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var dynamoDb = await ClientAsync(cancellationToken);
        var etag = Guid.NewGuid().ToString("N");
        var item = Key(entry.GrainId, entry.ReminderName);
        item[GrainIdAttribute] = S(entry.GrainId.ToString());
        item[ReminderNameAttribute] = S(entry.ReminderName);
        item[StartAtAttribute] = S(AsUtc(entry.StartAt).ToString("O", CultureInfo.InvariantCulture));
        item[PeriodAttribute] = S(entry.Period.ToString("c", CultureInfo.InvariantCulture));
        item[ETagAttribute] = S(etag);
        await dynamoDb.PutItemAsync(new PutItemRequest { TableName = _options.TableName, Item = item }, cancellationToken);
        return etag;
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) =>
        RemoveRow(grainId, reminderName, eTag, CancellationToken.None);

    /// <returns>True if the row existed with that etag and is gone; false if it was missing or had another etag.</returns>
    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
    {
        var dynamoDb = await ClientAsync(cancellationToken);
        try
        {
            await dynamoDb.DeleteItemAsync(
                new DeleteItemRequest
                {
                    TableName = _options.TableName,
                    Key = Key(grainId, reminderName),
                    ConditionExpression = "#etag = :etag",
                    ExpressionAttributeNames = new() { ["#etag"] = ETagAttribute },
                    ExpressionAttributeValues = new() { [":etag"] = S(eTag) },
                },
                cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            LogRemoveRefused(_logger, reminderName, grainId, eTag);
            return false;
        }
    }

    public Task TestOnlyClearTable() => TestOnlyClearTable(CancellationToken.None);

    /// <summary>Deletes this service's reminders; other services' items in the table stay.</summary>
    public async Task TestOnlyClearTable(CancellationToken cancellationToken)
    {
        var dynamoDb = await ClientAsync(cancellationToken);
        var keys = new List<Dictionary<string, AttributeValue>>();
        await foreach (var item in QueryItemsAsync(dynamoDb, null, [], cancellationToken))
        {
            keys.Add(new() { [PartitionKey] = item[PartitionKey], [SortKey] = item[SortKey] });
        }

        foreach (var chunk in keys.Chunk(MaxBatchSize))
        {
            var pending = chunk.Select(key => new WriteRequest { DeleteRequest = new DeleteRequest { Key = key } }).ToList();
            while (pending.Count > 0)
            {
                var response = await dynamoDb.BatchWriteItemAsync(
                    new BatchWriteItemRequest { RequestItems = new() { [_options.TableName] = pending } },
                    cancellationToken);
                pending = response.UnprocessedItems is { } unprocessed && unprocessed.TryGetValue(_options.TableName, out var left)
                    ? left
                    : [];
                if (pending.Count > 0)
                {
                    await Task.Delay(UnprocessedRetryDelay, cancellationToken);
                }
            }
        }
    }

    public void Dispose()
    {
        _dynamoDb?.Dispose();
        _startGate.Dispose();
    }

    private async Task<IAmazonDynamoDB> ClientAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _dynamoDb) is { } ready)
        {
            return ready;
        }

        await _startGate.WaitAsync(cancellationToken);
        try
        {
            if (_dynamoDb is null)
            {
                var dynamoDb = _options.CreateClient?.Invoke() ?? DynamoDbClients.Create(_options);
                try
                {
                    await DynamoDbTableBootstrap.EnsureAsync(dynamoDb, _options, PartitionKey, SortKey, cancellationToken);
                }
                catch
                {
                    dynamoDb.Dispose();
                    throw;
                }

                Volatile.Write(ref _dynamoDb, dynamoDb);
                LogStarted(_logger, _options.TableName, _serviceId);
            }

            return _dynamoDb;
        }
        finally
        {
            _startGate.Release();
        }
    }

    private async Task<List<ReminderEntry>> QueryAsync(
        string sortKeyCondition, Dictionary<string, AttributeValue> values, CancellationToken cancellationToken)
    {
        var dynamoDb = await ClientAsync(cancellationToken);
        var entries = new List<ReminderEntry>();
        await foreach (var item in QueryItemsAsync(dynamoDb, sortKeyCondition, values, cancellationToken))
        {
            entries.Add(ToEntry(item));
        }

        return entries;
    }

    /// <summary>The service's items, optionally narrowed by a condition on the sort key (<c>#sk</c>).</summary>
    private async IAsyncEnumerable<Dictionary<string, AttributeValue>> QueryItemsAsync(
        IAmazonDynamoDB dynamoDb,
        string? sortKeyCondition,
        Dictionary<string, AttributeValue> values,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string> { ["#pk"] = PartitionKey };
        if (sortKeyCondition is not null)
        {
            names["#sk"] = SortKey;
        }

        var allValues = new Dictionary<string, AttributeValue>(values) { [":pk"] = S(_serviceId) };
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var request = new QueryRequest
            {
                TableName = _options.TableName,
                ConsistentRead = true,
                KeyConditionExpression = sortKeyCondition is null ? "#pk = :pk" : $"#pk = :pk AND {sortKeyCondition}",
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = allValues,
            };
            if (startKey is { Count: > 0 })
            {
                request.ExclusiveStartKey = startKey;
            }

            var response = await dynamoDb.QueryAsync(request, cancellationToken);
            foreach (var item in response.Items ?? [])
            {
                yield return item;
            }

            startKey = response.LastEvaluatedKey;
        }
        while (startKey is { Count: > 0 });
    }

    private Dictionary<string, AttributeValue> Key(GrainId grainId, string reminderName) => new()
    {
        [PartitionKey] = S(_serviceId),
        [SortKey] = S(ReminderKey.For(grainId, reminderName)),
    };

    private static ReminderEntry ToEntry(Dictionary<string, AttributeValue> item) => new()
    {
        GrainId = GrainId.Parse(item[GrainIdAttribute].S),
        ReminderName = item[ReminderNameAttribute].S,
        StartAt = DateTime.Parse(item[StartAtAttribute].S, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        Period = TimeSpan.ParseExact(item[PeriodAttribute].S, "c", CultureInfo.InvariantCulture),
        ETag = item[ETagAttribute].S,
    };

    /// <summary>Orleans hands out UTC times; an unspecified kind is taken as UTC rather than as local time.</summary>
    private static DateTime AsUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    };

    private static AttributeValue S(string value) => new() { S = value };

    [LoggerMessage(Level = LogLevel.Information, Message = "DynamoDB reminder table '{Table}' ready for service {ServiceId}")]
    private static partial void LogStarted(ILogger logger, string table, string serviceId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reminder '{ReminderName}' of grain {GrainId} not removed: it is gone or its etag is no longer {ETag}")]
    private static partial void LogRemoveRefused(ILogger logger, string reminderName, GrainId grainId, string eTag);
}
