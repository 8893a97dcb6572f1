using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using S3Migrate.LocalS3.Notifications;

namespace S3Migrate.LocalS3.Storage;

/// <summary>
/// Metadata as small JSON files next to the blob directory:
/// <c>buckets/NAME/bucket.json</c>, <c>buckets/NAME/versions/SEQUENCE.json</c>,
/// <c>buckets/NAME/uploads/UPLOADID/upload.json</c> and <c>part-N.json</c>. Each file is written to a temporary name
/// and renamed, so a crash leaves either the old or the new file.
/// </summary>
public sealed class DiskPersistence(string root) : IStorePersistence
{
    private readonly string _buckets = Path.Combine(root, "buckets");

    public void SaveBucket(BucketState bucket) =>
        Write(Path.Combine(_buckets, bucket.Name, "bucket.json"), new PersistedBucket(
            bucket.Name, bucket.Region, bucket.Created, bucket.Versioning, [.. bucket.Notifications], bucket.RequesterPays), PersistenceJson.Default.PersistedBucket);

    public void DeleteBucket(string bucket)
    {
        var directory = Path.Combine(_buckets, bucket);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public void SaveVersion(string bucket, ObjectVersion version) =>
        Write(VersionPath(bucket, version), new PersistedVersion(
            version.Key, version.VersionId, version.Sequence, version.IsDeleteMarker, version.LastModified, version.Size, version.ETag,
            version.Attributes, version.Checksum, [.. version.Blobs.Select(static b => new PersistedBlob(b.FileName!, b.Length))],
            version.Parts is null ? null : [.. version.Parts]), PersistenceJson.Default.PersistedVersion);

    public void DeleteVersion(string bucket, ObjectVersion version) => File.Delete(VersionPath(bucket, version));

    public void SaveUpload(string bucket, MultipartUpload upload) =>
        Write(Path.Combine(UploadDirectory(bucket, upload.UploadId), "upload.json"), new PersistedUpload(
            upload.Key, upload.UploadId, upload.Initiated, upload.Attributes, upload.ChecksumAlgorithm, upload.ChecksumType),
            PersistenceJson.Default.PersistedUpload);

    public void SavePart(string bucket, string uploadId, UploadedPart part) =>
        Write(Path.Combine(UploadDirectory(bucket, uploadId), $"part-{part.PartNumber}.json"), new PersistedPart(
            part.PartNumber, part.Size, part.ETag, part.Checksum, part.LastModified, part.Blob.FileName!), PersistenceJson.Default.PersistedPart);

    public void DeleteUpload(string bucket, string uploadId)
    {
        var directory = UploadDirectory(bucket, uploadId);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public (IReadOnlyList<BucketState> Buckets, long MaxSequence) Load(BlobStore blobs)
    {
        var buckets = new List<BucketState>();
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        long maxSequence = 0;
        if (!Directory.Exists(_buckets))
        {
            blobs.DeleteUnreferenced(referenced);
            return (buckets, 0);
        }

        foreach (var directory in Directory.EnumerateDirectories(_buckets))
        {
            var bucketFile = Path.Combine(directory, "bucket.json");
            if (!File.Exists(bucketFile))
            {
                continue;
            }

            var saved = Read(bucketFile, PersistenceJson.Default.PersistedBucket);
            var bucket = new BucketState(saved.Name, saved.Region, saved.Created)
            {
                Versioning = saved.Versioning,
                Notifications = saved.Notifications,
                RequesterPays = saved.RequesterPays,
            };
            maxSequence = Math.Max(maxSequence, LoadVersions(bucket, directory, blobs, referenced));
            maxSequence = Math.Max(maxSequence, LoadUploads(bucket, directory, blobs, referenced));
            buckets.Add(bucket);
        }

        blobs.DeleteUnreferenced(referenced);
        return (buckets, maxSequence);
    }

    private long LoadVersions(BucketState bucket, string directory, BlobStore blobs, HashSet<string> referenced)
    {
        long maxSequence = 0;
        var versionsDirectory = Path.Combine(directory, "versions");
        if (!Directory.Exists(versionsDirectory))
        {
            return 0;
        }

        foreach (var file in Directory.EnumerateFiles(versionsDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            var saved = Read(file, PersistenceJson.Default.PersistedVersion);
            var version = new ObjectVersion
            {
                Key = saved.Key,
                VersionId = saved.VersionId,
                Sequence = saved.Sequence,
                IsDeleteMarker = saved.IsDeleteMarker,
                LastModified = saved.LastModified,
                Size = saved.Size,
                ETag = saved.ETag,
                Attributes = saved.Attributes,
                Checksum = saved.Checksum,
                Blobs = [.. saved.Blobs.Select(b => blobs.Open(b.FileName, b.Length))],
                Parts = saved.Parts,
            };

            // A crash between writing a new null version and deleting the one it replaced leaves two: keep the newer.
            if (version.VersionId == ObjectVersion.NullVersionId &&
                bucket.KeysByName.TryGetValue(version.Key, out var entry) &&
                entry.Versions.FirstOrDefault(static v => v.VersionId == ObjectVersion.NullVersionId) is { } older)
            {
                bucket.RemoveVersion(entry, older);
                DeleteVersion(bucket.Name, older);
                foreach (var blob in older.Blobs)
                {
                    referenced.Remove(blob.FileName!);
                }
            }

            bucket.AddVersion(version);
            foreach (var blob in saved.Blobs)
            {
                referenced.Add(blob.FileName);
            }

            maxSequence = Math.Max(maxSequence, version.Sequence);
        }

        return maxSequence;
    }

    private static long LoadUploads(BucketState bucket, string directory, BlobStore blobs, HashSet<string> referenced)
    {
        long maxSequence = 0;
        var uploadsDirectory = Path.Combine(directory, "uploads");
        if (!Directory.Exists(uploadsDirectory))
        {
            return 0;
        }

        foreach (var uploadDirectory in Directory.EnumerateDirectories(uploadsDirectory))
        {
            var uploadFile = Path.Combine(uploadDirectory, "upload.json");
            if (!File.Exists(uploadFile))
            {
                Directory.Delete(uploadDirectory, recursive: true);
                continue;
            }

            var saved = Read(uploadFile, PersistenceJson.Default.PersistedUpload);
            var parts = Directory.EnumerateFiles(uploadDirectory, "part-*.json")
                .Select(f => Read(f, PersistenceJson.Default.PersistedPart))
                .ToList();

            // A crash after completing but before removing the upload: its parts now belong to an object.
            if (parts.Any(p => referenced.Contains(p.FileName)))
            {
                Directory.Delete(uploadDirectory, recursive: true);
                continue;
            }

            var upload = new MultipartUpload
            {
                Key = saved.Key,
                UploadId = saved.UploadId,
                Initiated = saved.Initiated,
                Attributes = saved.Attributes,
                ChecksumAlgorithm = saved.ChecksumAlgorithm,
                ChecksumType = saved.ChecksumType,
            };
            foreach (var part in parts)
            {
                upload.Parts[part.PartNumber] = new UploadedPart(
                    part.PartNumber, part.Size, part.ETag, part.Checksum, part.LastModified, blobs.Open(part.FileName, part.Size));
                referenced.Add(part.FileName);
            }

            bucket.AddUpload(upload);
            maxSequence = Math.Max(maxSequence, long.Parse(saved.UploadId.AsSpan(0, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }

        return maxSequence;
    }

    private string VersionPath(string bucket, ObjectVersion version) =>
        Path.Combine(_buckets, bucket, "versions", version.Sequence.ToString("D19", CultureInfo.InvariantCulture) + ".json");

    private string UploadDirectory(string bucket, string uploadId) => Path.Combine(_buckets, bucket, "uploads", uploadId);

    private static void Write<T>(string path, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));
        File.Move(temporary, path, overwrite: true);
    }

    private static T Read<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(path), typeInfo) ?? throw new InvalidDataException($"Empty metadata file {path}");
}

internal sealed record PersistedBucket(
    string Name, string Region, DateTimeOffset Created, VersioningStatus Versioning, List<QueueConfiguration> Notifications, bool RequesterPays);

internal sealed record PersistedBlob(string FileName, long Length);

internal sealed record PersistedVersion(
    string Key,
    string VersionId,
    long Sequence,
    bool IsDeleteMarker,
    DateTimeOffset LastModified,
    long Size,
    string ETag,
    ObjectAttributes Attributes,
    StoredChecksum? Checksum,
    List<PersistedBlob> Blobs,
    List<PartRecord>? Parts);

internal sealed record PersistedUpload(
    string Key, string UploadId, DateTimeOffset Initiated, ObjectAttributes Attributes, Checksums.ChecksumAlgorithm? ChecksumAlgorithm, string? ChecksumType);

internal sealed record PersistedPart(int PartNumber, long Size, string ETag, StoredChecksum? Checksum, DateTimeOffset LastModified, string FileName);

[JsonSourceGenerationOptions(UseStringEnumConverter = true, WriteIndented = false)]
[JsonSerializable(typeof(PersistedBucket))]
[JsonSerializable(typeof(PersistedVersion))]
[JsonSerializable(typeof(PersistedUpload))]
[JsonSerializable(typeof(PersistedPart))]
internal sealed partial class PersistenceJson : JsonSerializerContext;
