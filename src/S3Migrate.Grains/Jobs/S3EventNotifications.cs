using System.Net;
using System.Text.Json;

namespace S3Migrate.Grains.Jobs;

/// <summary>One record of an S3 event notification, with the key URL-decoded.</summary>
public sealed record S3EventRecord(string EventName, string Bucket, string Key, long Size, string? ETag, string? VersionId, string? Sequencer)
{
    public bool IsCreated => EventName.StartsWith("ObjectCreated:", StringComparison.Ordinal);

    public bool IsRemoved => EventName.StartsWith("ObjectRemoved:", StringComparison.Ordinal);
}

/// <summary>
/// Reads S3 event notifications as S3 delivers them to SQS (eventVersion 2.x), directly or wrapped in an SNS
/// notification. Keys arrive URL-encoded with '+' for a space and are decoded here.
/// </summary>
public static class S3EventNotifications
{
    /// <summary>Whether the body looks like an S3 notification (or S3's test event) at all.</summary>
    public static bool IsNotification(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object &&
        (root.TryGetProperty("Records", out _) || root.TryGetProperty("Event", out _) ||
         (root.TryGetProperty("Type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "Notification"));

    /// <summary>
    /// The records of a notification; null for <c>s3:TestEvent</c> (sent when a configuration is set). A
    /// <see cref="FormatException"/> names what is wrong in one line.
    /// </summary>
    public static IReadOnlyList<S3EventRecord>? Parse(JsonElement root)
    {
        if (root.TryGetProperty("Type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "Notification" &&
            root.TryGetProperty("Message", out var message) && message.ValueKind == JsonValueKind.String)
        {
            using var inner = JsonDocument.Parse(message.GetString()!);
            return Parse(inner.RootElement);
        }

        if (root.TryGetProperty("Event", out var testEvent) && testEvent.ValueKind == JsonValueKind.String && testEvent.GetString() == "s3:TestEvent")
        {
            return null;
        }

        if (!root.TryGetProperty("Records", out var records) || records.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("S3 notification without \"Records\"");
        }

        var parsed = new List<S3EventRecord>(records.GetArrayLength());
        var index = 0;
        foreach (var record in records.EnumerateArray())
        {
            parsed.Add(Record(record, index++));
        }

        return parsed;
    }

    private static S3EventRecord Record(JsonElement record, int index)
    {
        var source = String(record, "eventSource");
        if (source is not null && source != "aws:s3")
        {
            throw new FormatException($"record {index} comes from {source}, not aws:s3");
        }

        var version = String(record, "eventVersion");
        if (version is null || !version.StartsWith("2.", StringComparison.Ordinal))
        {
            throw new FormatException($"record {index} has eventVersion {version ?? "(missing)"}; version 2.x is read");
        }

        var name = String(record, "eventName") ?? throw new FormatException($"record {index} has no eventName");
        if (!record.TryGetProperty("s3", out var s3) || !s3.TryGetProperty("bucket", out var bucket) || !s3.TryGetProperty("object", out var obj))
        {
            throw new FormatException($"record {index} has no s3.bucket or s3.object");
        }

        var bucketName = String(bucket, "name") ?? throw new FormatException($"record {index} has no bucket name");
        var encodedKey = String(obj, "key") ?? throw new FormatException($"record {index} has no object key");
        var size = obj.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : -1;
        var versionId = String(obj, "versionId");
        return new S3EventRecord(
            name, bucketName, WebUtility.UrlDecode(encodedKey), size, String(obj, "eTag"), versionId is "null" or "" ? null : versionId, String(obj, "sequencer"));
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
