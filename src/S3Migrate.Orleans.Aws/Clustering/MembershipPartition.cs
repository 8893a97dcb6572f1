using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace S3Migrate.Orleans.Aws.Clustering;

/// <summary>Reads and deletes the rows of one cluster's partition, page by page and batch by batch.</summary>
internal static class MembershipPartition
{
    /// <summary>BatchWriteItem's limit.</summary>
    private const int MaxItemsPerBatch = 25;

    /// <summary>How many times a batch is sent while DynamoDB keeps returning some of it unprocessed (throttling).</summary>
    private const int MaxBatchAttempts = 8;

    private static readonly TimeSpan FirstBatchRetryDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// All rows of <paramref name="clusterId"/>, read with strong consistency. <paramref name="refine"/> may add a
    /// filter or projection; it must add to, not replace, the expression names and values already set.
    /// </summary>
    public static async Task<List<Dictionary<string, AttributeValue>>> QueryAsync(
        IAmazonDynamoDB dynamoDb,
        string tableName,
        string clusterId,
        Action<QueryRequest>? refine,
        CancellationToken cancellationToken)
    {
        List<Dictionary<string, AttributeValue>> rows = [];
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var request = new QueryRequest
            {
                TableName = tableName,
                ConsistentRead = true,
                KeyConditionExpression = "#cluster = :cluster",
                ExpressionAttributeNames = new() { ["#cluster"] = MembershipTableSchema.ClusterId },
                ExpressionAttributeValues = new() { [":cluster"] = MembershipRecord.S(clusterId) },
            };
            refine?.Invoke(request);

            // DynamoDB rejects an empty start key, so it is set only when there is a next page.
            if (startKey is { Count: > 0 })
            {
                request.ExclusiveStartKey = startKey;
            }

            var response = await dynamoDb.QueryAsync(request, cancellationToken);
            if (response.Items is { } items)
            {
                rows.AddRange(items);
            }

            startKey = response.LastEvaluatedKey;
        }
        while (startKey is { Count: > 0 });

        return rows;
    }

    /// <summary>Deletes the rows with these keys, retrying the part of a batch DynamoDB leaves unprocessed.</summary>
    public static async Task DeleteAsync(
        IAmazonDynamoDB dynamoDb,
        string tableName,
        IEnumerable<Dictionary<string, AttributeValue>> keys,
        CancellationToken cancellationToken)
    {
        foreach (var chunk in keys.Chunk(MaxItemsPerBatch))
        {
            List<WriteRequest> pending = [.. chunk.Select(key => new WriteRequest { DeleteRequest = new DeleteRequest { Key = key } })];
            var delay = FirstBatchRetryDelay;
            for (var attempt = 1; pending.Count > 0; attempt++)
            {
                if (attempt > MaxBatchAttempts)
                {
                    throw new InvalidOperationException(
                        $"DynamoDB left {pending.Count} deletes from '{tableName}' unprocessed after {MaxBatchAttempts} attempts.");
                }

                if (attempt > 1)
                {
                    await Task.Delay(delay, cancellationToken);
                    delay *= 2;
                }

                var response = await dynamoDb.BatchWriteItemAsync(
                    new BatchWriteItemRequest { RequestItems = new() { [tableName] = pending } },
                    cancellationToken);
                pending = response.UnprocessedItems?.GetValueOrDefault(tableName) ?? [];
            }
        }
    }

    /// <summary>Only the key attributes of a row, as DeleteRequest wants them.</summary>
    public static Dictionary<string, AttributeValue> KeyOf(Dictionary<string, AttributeValue> row) => new()
    {
        [MembershipTableSchema.ClusterId] = row[MembershipTableSchema.ClusterId],
        [MembershipTableSchema.SiloIdentity] = row[MembershipTableSchema.SiloIdentity],
    };
}
