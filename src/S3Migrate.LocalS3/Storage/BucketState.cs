using S3Migrate.LocalS3.Notifications;
using S3Migrate.LocalS3.Protocol;

namespace S3Migrate.LocalS3.Storage;

/// <summary>A bucket: its settings, its keys in S3 order and its unfinished uploads. Everything is guarded by <see cref="Sync"/>.</summary>
public sealed class BucketState(string name, string region, DateTimeOffset created)
{
    private static readonly Comparer<KeyEntry> KeyOrder =
        Comparer<KeyEntry>.Create(static (a, b) => Utf8KeyComparer.Instance.Compare(a.Key, b.Key));

    private static readonly Comparer<MultipartUpload> UploadOrder = Comparer<MultipartUpload>.Create(static (a, b) =>
    {
        var byKey = Utf8KeyComparer.Instance.Compare(a.Key, b.Key);
        return byKey != 0 ? byKey : string.CompareOrdinal(a.UploadId, b.UploadId);
    });

    public string Name { get; } = name;

    public string Region { get; } = region;

    public DateTimeOffset Created { get; } = created;

    public Lock Sync { get; } = new();

    public VersioningStatus Versioning { get; set; }

    public IReadOnlyList<QueueConfiguration> Notifications { get; set; } = [];

    /// <summary>Requests that do not say x-amz-request-payer: requester are refused.</summary>
    public bool RequesterPays { get; set; }

    public SortedSet<KeyEntry> Keys { get; } = new(KeyOrder);

    public Dictionary<string, KeyEntry> KeysByName { get; } = new(StringComparer.Ordinal);

    public SortedSet<MultipartUpload> Uploads { get; } = new(UploadOrder);

    public Dictionary<string, MultipartUpload> UploadsById { get; } = new(StringComparer.Ordinal);

    public bool IsEmpty => KeysByName.Count == 0;

    /// <summary>Key entries from <paramref name="fromKey"/> (inclusive) onwards, in UTF-8 byte order.</summary>
    public IEnumerable<KeyEntry> KeysFrom(string fromKey)
    {
        if (Keys.Count == 0)
        {
            return [];
        }

        var max = Keys.Max!;
        var probe = new KeyEntry(fromKey);
        return KeyOrder.Compare(probe, max) > 0 ? [] : Keys.GetViewBetween(probe, max);
    }

    /// <summary>Uploads whose key is at or after <paramref name="fromKey"/>, in key then initiation order.</summary>
    public IEnumerable<MultipartUpload> UploadsFrom(string fromKey)
    {
        if (Uploads.Count == 0)
        {
            return [];
        }

        var max = Uploads.Max!;
        var probe = new MultipartUpload { Key = fromKey, UploadId = string.Empty, Initiated = default };
        return UploadOrder.Compare(probe, max) > 0 ? [] : Uploads.GetViewBetween(probe, max);
    }

    /// <summary>The current version of a key (which may be a delete marker), or null.</summary>
    public ObjectVersion? GetCurrent(string key)
    {
        lock (Sync)
        {
            return KeysByName.TryGetValue(key, out var entry) ? entry.Current : null;
        }
    }

    /// <summary>A version by id; null when the key or version does not exist.</summary>
    public ObjectVersion? GetVersion(string key, string versionId)
    {
        lock (Sync)
        {
            return KeysByName.TryGetValue(key, out var entry) ? entry.Versions.Find(v => v.VersionId == versionId) : null;
        }
    }

    /// <summary>An upload of <paramref name="key"/> by id; 404 NoSuchUpload otherwise.</summary>
    public MultipartUpload GetUpload(string key, string uploadId)
    {
        lock (Sync)
        {
            return UploadsById.TryGetValue(uploadId, out var upload) && upload.Key == key
                ? upload
                : throw S3Errors.NoSuchUpload(uploadId);
        }
    }

    /// <summary>A consistent copy of an upload's parts.</summary>
    public List<UploadedPart> SnapshotParts(MultipartUpload upload)
    {
        lock (Sync)
        {
            return [.. upload.Parts.Values];
        }
    }

    public void AddVersion(ObjectVersion version)
    {
        if (!KeysByName.TryGetValue(version.Key, out var entry))
        {
            entry = new KeyEntry(version.Key);
            KeysByName.Add(version.Key, entry);
            Keys.Add(entry);
        }

        var index = 0;
        while (index < entry.Versions.Count && entry.Versions[index].Sequence > version.Sequence)
        {
            index++;
        }

        entry.Versions.Insert(index, version);
    }

    public void RemoveVersion(KeyEntry entry, ObjectVersion version)
    {
        entry.Versions.Remove(version);
        if (entry.Versions.Count == 0)
        {
            KeysByName.Remove(entry.Key);
            Keys.Remove(entry);
        }
    }

    public void AddUpload(MultipartUpload upload)
    {
        UploadsById.Add(upload.UploadId, upload);
        Uploads.Add(upload);
    }

    public void RemoveUpload(MultipartUpload upload)
    {
        UploadsById.Remove(upload.UploadId);
        Uploads.Remove(upload);
    }
}
