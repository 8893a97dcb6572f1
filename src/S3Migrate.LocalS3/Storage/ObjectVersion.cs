namespace S3Migrate.LocalS3.Storage;

/// <summary>One version of a key: its bytes (one blob per part), attributes and identity; or a delete marker.</summary>
public sealed class ObjectVersion
{
    /// <summary>The version id of objects written while versioning was off or suspended.</summary>
    public const string NullVersionId = "null";

    public required string Key { get; init; }

    public required string VersionId { get; init; }

    /// <summary>Monotonic across the endpoint: orders versions and serves as the event sequencer.</summary>
    public required long Sequence { get; init; }

    public bool IsDeleteMarker { get; init; }

    public required DateTimeOffset LastModified { get; init; }

    public long Size { get; init; }

    /// <summary>Unquoted ETag (MD5 hex, or md5-of-md5s-N for multipart objects).</summary>
    public string ETag { get; init; } = string.Empty;

    public ObjectAttributes Attributes { get; init; } = new();

    public StoredChecksum? Checksum { get; init; }

    public IReadOnlyList<Blob> Blobs { get; init; } = [];

    /// <summary>The parts of a multipart object, in order; null for objects written in one piece.</summary>
    public IReadOnlyList<PartRecord>? Parts { get; init; }

    public ObjectVersion WithAttributes(ObjectAttributes attributes) => new()
    {
        Key = Key,
        VersionId = VersionId,
        Sequence = Sequence,
        IsDeleteMarker = IsDeleteMarker,
        LastModified = LastModified,
        Size = Size,
        ETag = ETag,
        Attributes = attributes,
        Checksum = Checksum,
        Blobs = Blobs,
        Parts = Parts,
    };

    public void DeleteBlobs()
    {
        foreach (var blob in Blobs)
        {
            blob.Delete();
        }
    }
}
