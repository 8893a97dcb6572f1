using System.Buffers;
using System.Text;
using System.Text.Json;

namespace S3Migrate.Abstractions;

/// <summary>
/// The job message: the JSON other systems may put on the jobs queue, and what the silos put there themselves
/// (docs/job-messages.md). Version 1:
/// <code>{"type":"s3migrate.jobs","version":1,"batchId":"…optional…","jobs":[{"migrationId":"m1","sourceBucket":"b","sourceKey":"k", …}]}</code>
/// </summary>
public static class JobMessages
{
    public const string Type = "s3migrate.jobs";
    public const int Version = 1;

    /// <summary>One message: a single job (no batch id) goes to its object's grain; several go to a batch worker.</summary>
    public static string Encode(IReadOnlyList<ObjectJob> jobs, string? batchId)
    {
        var buffer = new ArrayBufferWriter<byte>(256 * (jobs.Count + 1));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", Type);
            writer.WriteNumber("version", Version);
            if (batchId is not null)
            {
                writer.WriteString("batchId", batchId);
            }

            writer.WriteStartArray("jobs");
            foreach (var job in jobs)
            {
                Write(writer, job);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Messages of at most <paramref name="maxBytes"/> each: a batch too large for one message is split, each part
    /// keeping the batch id with a suffix ("/1", "/2", …).
    /// </summary>
    public static IReadOnlyList<string> EncodeWithin(IReadOnlyList<ObjectJob> jobs, string? batchId, int maxBytes)
    {
        var whole = Encode(jobs, batchId);
        if (Encoding.UTF8.GetByteCount(whole) <= maxBytes || jobs.Count == 1)
        {
            return [whole];
        }

        var half = jobs.Count / 2;
        var id = batchId ?? Guid.NewGuid().ToString("N");
        return [.. EncodeWithin([.. jobs.Take(half)], id + "/1", maxBytes), .. EncodeWithin([.. jobs.Skip(half)], id + "/2", maxBytes)];
    }

    /// <summary>Reads a message; a <see cref="FormatException"/> names what is wrong in one line.</summary>
    public static JobMessage Decode(string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || String(root, "type") != Type)
            {
                throw new FormatException($"not a job message (\"type\" is not \"{Type}\")");
            }

            if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != Version)
            {
                throw new FormatException($"job message version {(root.TryGetProperty("version", out var v) ? v.ToString() : "(missing)")} is not supported (this silo reads version {Version})");
            }

            if (!root.TryGetProperty("jobs", out var jobs) || jobs.ValueKind != JsonValueKind.Array || jobs.GetArrayLength() == 0)
            {
                throw new FormatException("job message has no \"jobs\"");
            }

            var entries = new List<JobMessageEntry>(jobs.GetArrayLength());
            var index = 0;
            foreach (var job in jobs.EnumerateArray())
            {
                entries.Add(Entry(job, index++));
            }

            return new JobMessage(String(root, "batchId"), entries);
        }
    }

    private static void Write(Utf8JsonWriter writer, ObjectJob job)
    {
        writer.WriteStartObject();
        writer.WriteString("migrationId", job.MigrationId);
        writer.WriteString("kind", job.Kind == JobKind.Delete ? "delete" : "copy");
        writer.WriteString("sourceBucket", job.SourceBucket);
        writer.WriteString("sourceKey", job.SourceKey);
        if (job.DestinationBucket.Length > 0)
        {
            // Left out, the silo maps the source key through the migration's routes.
            writer.WriteString("destinationBucket", job.DestinationBucket);
            writer.WriteString("destinationKey", job.DestinationKey);
        }

        WriteIfSet(writer, "sourceVersionId", job.SourceVersionId);
        WriteIfSet(writer, "expectedETag", job.ExpectedETag);
        if (job.ExpectedSize >= 0)
        {
            writer.WriteNumber("expectedSize", job.ExpectedSize);
        }

        WriteIfSet(writer, "sequencer", job.Sequencer);
        if (job.Round != 0)
        {
            writer.WriteNumber("round", job.Round);
        }

        writer.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static JobMessageEntry Entry(JsonElement job, int index)
    {
        if (job.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"job {index} is not an object");
        }

        string Required(string name) => String(job, name) is { Length: > 0 } value
            ? value
            : throw new FormatException($"job {index} has no \"{name}\"");

        var kind = String(job, "kind") switch
        {
            null or "copy" => JobKind.Copy,
            "delete" => JobKind.Delete,
            var other => throw new FormatException($"job {index} has kind \"{other}\" (expected \"copy\" or \"delete\")"),
        };
        var size = job.TryGetProperty("expectedSize", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : -1;
        var round = job.TryGetProperty("round", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetInt32() : 0;
        var destinationBucket = String(job, "destinationBucket");
        var destinationKey = String(job, "destinationKey");
        if ((destinationBucket is null) != (destinationKey is null))
        {
            throw new FormatException($"job {index} names only one of \"destinationBucket\" and \"destinationKey\"");
        }

        return new JobMessageEntry(
            Required("migrationId"), kind, Required("sourceBucket"), String(job, "sourceKey") ?? throw new FormatException($"job {index} has no \"sourceKey\""),
            destinationBucket, destinationKey, String(job, "sourceVersionId"), String(job, "expectedETag"), size, String(job, "sequencer"), round);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>A decoded job message.</summary>
public sealed record JobMessage(string? BatchId, IReadOnlyList<JobMessageEntry> Jobs);

/// <summary>
/// One job as written in a message. The destination may be left out: the silo then maps the source key through the
/// migration's routes, as its own diff would.
/// </summary>
public sealed record JobMessageEntry(
    string MigrationId, JobKind Kind, string SourceBucket, string SourceKey, string? DestinationBucket, string? DestinationKey,
    string? SourceVersionId, string? ExpectedETag, long ExpectedSize, string? Sequencer, int Round)
{
    public ObjectJob ToJob(string destinationBucket, string destinationKey) => new()
    {
        MigrationId = MigrationId,
        Kind = Kind,
        SourceBucket = SourceBucket,
        SourceKey = SourceKey,
        DestinationBucket = destinationBucket,
        DestinationKey = destinationKey,
        SourceVersionId = SourceVersionId,
        ExpectedETag = ExpectedETag,
        ExpectedSize = ExpectedSize,
        Sequencer = Sequencer,
        Round = Round,
    };
}
