using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Schema = S3Migrate.Orleans.Aws.Clustering.MembershipTableSchema;

namespace S3Migrate.Orleans.Aws.Clustering;

/// <summary>
/// Orleans cluster membership in a DynamoDB table. Each cluster owns the partition named after its cluster id:
/// one row per silo plus a version row. Every membership change is one transaction that writes the silo row and
/// bumps the version row, each conditioned on the etag the caller read, so of two silos acting on the same view
/// only one wins; the other gets <c>false</c> and reads again.
/// </summary>
public sealed partial class DynamoDbMembershipTable(
    IOptions<DynamoDbClusteringOptions> options,
    IOptions<ClusterOptions> clusterOptions,
    ILogger<DynamoDbMembershipTable> logger) : IMembershipTable, IDisposable
{
    /// <summary>The version a cluster starts at, with the etag of the version row's first write.</summary>
    private const int InitialVersion = 0;

    private const long InitialEtag = 0;

    /// <summary>Why DynamoDB cancels a transaction when another writer got there first.</summary>
    private static readonly HashSet<string> LostRaceReasons = ["ConditionalCheckFailed", "TransactionConflict"];

    private static readonly TimeSpan ReadAllRetryDelay = TimeSpan.FromMilliseconds(20);

    private readonly ILogger _logger = logger;
    private readonly DynamoDbClusteringOptions _options = options.Value;
    private readonly string _clusterId = clusterOptions.Value.ClusterId;
    private AmazonDynamoDBClient? _dynamoDb;

    private AmazonDynamoDBClient DynamoDb =>
        _dynamoDb ?? throw new InvalidOperationException($"{nameof(InitializeMembershipTableAsync)} has not been called.");

    private string TableName => _options.TableName;

    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken = default)
    {
        var created = DynamoDbClients.Create(_options);
        if (Interlocked.CompareExchange(ref _dynamoDb, created, null) is not null)
        {
            created.Dispose();
        }

        if (_options.CreateIfNotExists)
        {
            await MembershipTableCreator.EnsureExistsAsync(DynamoDb, TableName, _logger, cancellationToken);
        }

        if (tryInitTableVersion)
        {
            await CreateVersionRowIfMissingAsync(cancellationToken);
        }
    }

    /// <remarks>One transactional read of the silo row and the version row; a cluster without a version row reads as version 0.</remarks>
    public async Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken = default)
    {
        var response = await DynamoDb.TransactGetItemsAsync(
            new TransactGetItemsRequest
            {
                TransactItems =
                [
                    new TransactGetItem { Get = new Get { TableName = TableName, Key = Schema.Key(_clusterId, MembershipRecord.SiloIdentityOf(key)) } },
                    new TransactGetItem { Get = new Get { TableName = TableName, Key = Schema.VersionRowKey(_clusterId) } },
                ],
            },
            cancellationToken);

        var siloRow = response.Responses?[0].Item;
        var versionRow = response.Responses?[1].Item;
        var version = versionRow is { Count: > 0 } ? ParseVersionRow(versionRow) : new TableVersion(InitialVersion, MembershipRecord.FormatEtag(InitialEtag));
        List<Tuple<MembershipEntry, string>> entries = [];
        if (siloRow is { Count: > 0 } && TryParseSiloRow(siloRow) is { } entry)
        {
            entries.Add(entry);
        }

        return new MembershipTableData(entries, version);
    }

    /// <remarks>
    /// A query is not a transactional read: it can see one half of a concurrent membership change. The version row
    /// is therefore read on its own first; the query's rows form a consistent view only when the query saw that
    /// same version and no silo row written by a later version. Otherwise the whole partition is read again.
    /// </remarks>
    public async Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var versionBefore = await ReadVersionRowAsync(cancellationToken)
                ?? throw new InvalidOperationException(
                    $"Cluster '{_clusterId}' has no version row in '{TableName}'; {nameof(InitializeMembershipTableAsync)}(true) creates it.");
            var rows = await MembershipPartition.QueryAsync(DynamoDb, TableName, _clusterId, refine: null, cancellationToken);

            TableVersion? versionSeen = null;
            var newestRowVersion = InitialVersion;
            List<Tuple<MembershipEntry, string>> entries = [];
            foreach (var row in rows)
            {
                if (IsVersionRow(row))
                {
                    versionSeen = ParseVersionRow(row);
                    continue;
                }

                if (MembershipRecord.TryGetInt(row, Schema.MembershipVersion, out var rowVersion))
                {
                    newestRowVersion = Math.Max(newestRowVersion, rowVersion);
                }

                if (TryParseSiloRow(row) is { } entry)
                {
                    entries.Add(entry);
                }
            }

            if (versionSeen is { } seen && seen.Equals(versionBefore) && newestRowVersion <= seen.Version)
            {
                return new MembershipTableData(entries, seen);
            }

            if (attempt >= _options.MaxReadAllAttempts)
            {
                throw new InvalidOperationException(
                    $"Cluster '{_clusterId}' changed during each of {attempt} reads of '{TableName}'; no consistent view was read.");
            }

            LogReadAllRetry(attempt);
            await Task.Delay(ReadAllRetryDelay * attempt, cancellationToken);
        }
    }

    public async Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken = default)
    {
        if (!MembershipRecord.TryParseEtag(tableVersion.VersionEtag, out var versionEtag))
        {
            return false;
        }

        var insert = new Put
        {
            TableName = TableName,
            Item = MembershipRecord.ToItem(_clusterId, entry, InitialEtag, tableVersion.Version),
            ConditionExpression = "attribute_not_exists(#cluster)",
            ExpressionAttributeNames = new() { ["#cluster"] = Schema.ClusterId },
        };
        return await TryWriteAsync(insert, tableVersion, versionEtag, cancellationToken);
    }

    public async Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken = default)
    {
        if (!MembershipRecord.TryParseEtag(etag, out var rowEtag)
            || !MembershipRecord.TryParseEtag(tableVersion.VersionEtag, out var versionEtag))
        {
            return false;
        }

        // A missing row has no ETag attribute, so the condition also fails when the row is gone.
        var replace = new Put
        {
            TableName = TableName,
            Item = MembershipRecord.ToItem(_clusterId, entry, rowEtag + 1, tableVersion.Version),
            ConditionExpression = "#etag = :etag",
            ExpressionAttributeNames = new() { ["#etag"] = Schema.ETag },
            ExpressionAttributeValues = new() { [":etag"] = MembershipRecord.N(rowEtag) },
        };
        return await TryWriteAsync(replace, tableVersion, versionEtag, cancellationToken);
    }

    /// <remarks>Neither the row's etag nor the table version changes: liveness heartbeats are not membership changes.</remarks>
    public async Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken = default)
    {
        try
        {
            await DynamoDb.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = TableName,
                    Key = Schema.Key(_clusterId, MembershipRecord.SiloIdentityOf(entry.SiloAddress)),
                    UpdateExpression = "SET #alive = :alive",
                    ConditionExpression = "attribute_exists(#cluster)",
                    ExpressionAttributeNames = new() { ["#alive"] = Schema.IAmAliveTime, ["#cluster"] = Schema.ClusterId },
                    ExpressionAttributeValues = new() { [":alive"] = MembershipRecord.S(MembershipRecord.FormatDate(entry.IAmAliveTime)) },
                },
                cancellationToken);
        }
        catch (ConditionalCheckFailedException missing)
        {
            throw new InvalidOperationException(
                $"Silo {entry.SiloAddress} has no row in cluster '{_clusterId}' of '{TableName}' to record it alive.", missing);
        }
    }

    /// <remarks>Deletes silo rows that are not Active and were last alive before <paramref name="beforeDate"/>; the version row stays.</remarks>
    public async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default)
    {
        var rows = await MembershipPartition.QueryAsync(DynamoDb, TableName, _clusterId, refine: null, cancellationToken);
        var cutoff = beforeDate.UtcDateTime;
        var defunct = rows
            .Where(row => !IsVersionRow(row)
                && MembershipRecord.TryGetInt(row, Schema.SiloStatus, out var status) && (SiloStatus)status != SiloStatus.Active
                && MembershipRecord.TryGetDate(row, Schema.IAmAliveTime, out var iAmAlive) && iAmAlive < cutoff)
            .Select(MembershipPartition.KeyOf)
            .ToList();
        if (defunct.Count == 0)
        {
            return;
        }

        await MembershipPartition.DeleteAsync(DynamoDb, TableName, defunct, cancellationToken);
        LogDefunctEntriesDeleted(defunct.Count, beforeDate);
    }

    public async Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken = default)
    {
        var rows = await MembershipPartition.QueryAsync(
            DynamoDb,
            TableName,
            clusterId,
            request =>
            {
                request.ProjectionExpression = "#cluster, #silo";
                request.ExpressionAttributeNames["#silo"] = Schema.SiloIdentity;
            },
            cancellationToken);
        await MembershipPartition.DeleteAsync(DynamoDb, TableName, rows.Select(MembershipPartition.KeyOf), cancellationToken);
    }

    public void Dispose() => _dynamoDb?.Dispose();

    Task IMembershipTable.InitializeMembershipTable(bool tryInitTableVersion) =>
        InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    Task IMembershipTable.DeleteMembershipTableEntries(string clusterId) =>
        DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    Task IMembershipTable.CleanupDefunctSiloEntries(DateTimeOffset beforeDate) =>
        CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    Task<MembershipTableData> IMembershipTable.ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    Task<MembershipTableData> IMembershipTable.ReadAll() => ReadAllAsync(CancellationToken.None);

    Task<bool> IMembershipTable.InsertRow(MembershipEntry entry, TableVersion tableVersion) =>
        InsertRowAsync(entry, tableVersion, CancellationToken.None);

    Task<bool> IMembershipTable.UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) =>
        UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    Task IMembershipTable.UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    /// <summary>Another silo may have created it since; the condition keeps the first one.</summary>
    private async Task CreateVersionRowIfMissingAsync(CancellationToken cancellationToken)
    {
        var item = Schema.VersionRowKey(_clusterId);
        item[Schema.MembershipVersion] = MembershipRecord.N(InitialVersion);
        item[Schema.ETag] = MembershipRecord.N(InitialEtag);
        try
        {
            await DynamoDb.PutItemAsync(
                new PutItemRequest
                {
                    TableName = TableName,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(#cluster)",
                    ExpressionAttributeNames = new() { ["#cluster"] = Schema.ClusterId },
                },
                cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
        }
    }

    /// <summary>
    /// Writes the silo row and moves the version row from <paramref name="versionEtag"/> to
    /// <paramref name="tableVersion"/> in one transaction; false when either condition no longer holds.
    /// </summary>
    private async Task<bool> TryWriteAsync(Put siloRowWrite, TableVersion tableVersion, long versionEtag, CancellationToken cancellationToken)
    {
        var versionRowWrite = new Update
        {
            TableName = TableName,
            Key = Schema.VersionRowKey(_clusterId),
            UpdateExpression = "SET #version = :version, #etag = #etag + :one",
            ConditionExpression = "#etag = :etag",
            ExpressionAttributeNames = new() { ["#version"] = Schema.MembershipVersion, ["#etag"] = Schema.ETag },
            ExpressionAttributeValues = new()
            {
                [":version"] = MembershipRecord.N(tableVersion.Version),
                [":etag"] = MembershipRecord.N(versionEtag),
                [":one"] = MembershipRecord.N(1),
            },
        };
        try
        {
            await DynamoDb.TransactWriteItemsAsync(
                new TransactWriteItemsRequest
                {
                    TransactItems = [new TransactWriteItem { Put = siloRowWrite }, new TransactWriteItem { Update = versionRowWrite }],

                    // Makes the SDK's own retry of a transaction that did commit succeed instead of failing its conditions.
                    ClientRequestToken = Guid.NewGuid().ToString("N"),
                },
                cancellationToken);
            return true;
        }
        catch (TransactionCanceledException cancelled)
            when (cancelled.CancellationReasons?.Any(reason => reason.Code is { } code && LostRaceReasons.Contains(code)) == true)
        {
            LogLostRace(siloRowWrite.Item[Schema.SiloIdentity].S, tableVersion.Version);
            return false;
        }
    }

    private async Task<TableVersion?> ReadVersionRowAsync(CancellationToken cancellationToken)
    {
        var response = await DynamoDb.GetItemAsync(
            new GetItemRequest { TableName = TableName, Key = Schema.VersionRowKey(_clusterId), ConsistentRead = true },
            cancellationToken);
        return response.Item is { Count: > 0 } row ? ParseVersionRow(row) : null;
    }

    private TableVersion ParseVersionRow(Dictionary<string, AttributeValue> row)
    {
        if (!MembershipRecord.TryGetInt(row, Schema.MembershipVersion, out var version)
            || !MembershipRecord.TryGetLong(row, Schema.ETag, out var etag))
        {
            throw new InvalidOperationException($"The version row of cluster '{_clusterId}' in '{TableName}' is malformed.");
        }

        return new TableVersion(version, MembershipRecord.FormatEtag(etag));
    }

    private Tuple<MembershipEntry, string>? TryParseSiloRow(Dictionary<string, AttributeValue> row)
    {
        if (MembershipRecord.TryParse(row, out var entry, out var etag))
        {
            return Tuple.Create(entry, etag);
        }

        LogSkippedMalformedRow(row.TryGetValue(Schema.SiloIdentity, out var identity) ? identity.S : null);
        return null;
    }

    private static bool IsVersionRow(Dictionary<string, AttributeValue> row) =>
        row.TryGetValue(Schema.SiloIdentity, out var identity) && identity.S == Schema.VersionRowIdentity;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped the malformed membership row {SiloIdentity}")]
    private partial void LogSkippedMalformedRow(string? siloIdentity);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Membership changed while it was read (attempt {Attempt}); reading it again")]
    private partial void LogReadAllRetry(int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Membership write of {SiloIdentity} at table version {Version} lost to a concurrent change")]
    private partial void LogLostRace(string siloIdentity, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} defunct membership rows last alive before {BeforeDate}")]
    private partial void LogDefunctEntriesDeleted(int count, DateTimeOffset beforeDate);
}
