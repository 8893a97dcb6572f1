using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using S3Migrate.LocalS3.Notifications;
using S3Migrate.LocalS3.Protocol;

namespace S3Migrate.LocalS3.Storage;

/// <summary>
/// The buckets of one endpoint and the rules for changing them: versioning, conditional writes, delete markers and
/// multipart uploads. Byte streaming happens outside; this class only commits finished blobs.
/// </summary>
public sealed class S3Store
{
    private readonly ConcurrentDictionary<string, BucketState> _buckets = new(StringComparer.Ordinal);
    private readonly IStorePersistence _persistence;
    private readonly TimeProvider _time;
    private long _sequence;

    public S3Store(BlobStore blobs, IStorePersistence persistence, TimeProvider time)
    {
        Blobs = blobs;
        _persistence = persistence;
        _time = time;
        var (buckets, maxSequence) = persistence.Load(blobs);
        foreach (var bucket in buckets)
        {
            _buckets[bucket.Name] = bucket;
        }

        _sequence = maxSequence;
    }

    public BlobStore Blobs { get; }

    public IEnumerable<BucketState> Buckets => _buckets.Values.OrderBy(static b => b.Name, StringComparer.Ordinal);

    public DateTimeOffset Now()
    {
        var now = _time.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    public long NextSequence() => Interlocked.Increment(ref _sequence);

    public BucketState GetBucket(string name) =>
        _buckets.TryGetValue(name, out var bucket) ? bucket : throw S3Errors.NoSuchBucket(name);

    public bool TryGetBucket(string name, out BucketState bucket) => _buckets.TryGetValue(name, out bucket!);

    public BucketState CreateBucket(string name, string region, bool legacyUsEast1)
    {
        var bucket = new BucketState(name, region, Now());
        if (!_buckets.TryAdd(name, bucket))
        {
            if (legacyUsEast1 && _buckets[name].Region == "us-east-1")
            {
                return _buckets[name];
            }

            throw S3Errors.BucketAlreadyOwnedByYou(name);
        }

        _persistence.SaveBucket(bucket);
        return bucket;
    }

    public void DeleteBucket(string name)
    {
        var bucket = GetBucket(name);
        lock (bucket.Sync)
        {
            if (!bucket.IsEmpty)
            {
                throw S3Errors.BucketNotEmpty(name);
            }

            foreach (var upload in bucket.Uploads.ToList())
            {
                RemoveUpload(bucket, upload, deleteBlobs: true);
            }

            _buckets.TryRemove(name, out _);
            _persistence.DeleteBucket(name);
        }
    }

    public void UpdateBucket(BucketState bucket, Action<BucketState> change)
    {
        lock (bucket.Sync)
        {
            change(bucket);
            _persistence.SaveBucket(bucket);
        }
    }

    /// <summary>
    /// Makes <paramref name="create"/>'s version the current one, after <paramref name="precondition"/> accepted the
    /// current version under the bucket's lock. Without versioning the previous null version is replaced.
    /// </summary>
    public ObjectVersion Commit(
        BucketState bucket, string key, Func<string, long, ObjectVersion> create, Action<ObjectVersion?>? precondition = null)
    {
        ObjectVersion? replaced = null;
        ObjectVersion version;
        lock (bucket.Sync)
        {
            var entry = bucket.KeysByName.GetValueOrDefault(key);
            precondition?.Invoke(entry?.Current);
            var sequence = NextSequence();
            var versionId = bucket.Versioning == VersioningStatus.Enabled ? NewVersionId(sequence) : ObjectVersion.NullVersionId;
            version = create(versionId, sequence);
            _persistence.SaveVersion(bucket.Name, version);
            if (versionId == ObjectVersion.NullVersionId && entry is not null)
            {
                replaced = entry.Versions.FirstOrDefault(static v => v.VersionId == ObjectVersion.NullVersionId);
                if (replaced is not null)
                {
                    bucket.RemoveVersion(entry, replaced);
                    _persistence.DeleteVersion(bucket.Name, replaced);
                }
            }

            bucket.AddVersion(version);
        }

        replaced?.DeleteBlobs();
        return version;
    }

    /// <summary>Deletes as S3 does: a version when asked for one, otherwise per the bucket's versioning.</summary>
    public DeleteOutcome Delete(BucketState bucket, string key, string? versionId)
    {
        ObjectVersion? removed = null;
        DeleteOutcome outcome;
        lock (bucket.Sync)
        {
            var entry = bucket.KeysByName.GetValueOrDefault(key);
            if (versionId is not null)
            {
                removed = entry?.Versions.FirstOrDefault(v => v.VersionId == versionId);
                if (removed is not null)
                {
                    bucket.RemoveVersion(entry!, removed);
                    _persistence.DeleteVersion(bucket.Name, removed);
                }

                outcome = new DeleteOutcome(removed, null, removed?.IsDeleteMarker == true ? removed.VersionId : versionId);
            }
            else if (bucket.Versioning == VersioningStatus.Off)
            {
                removed = entry?.Current;
                if (removed is not null)
                {
                    bucket.RemoveVersion(entry!, removed);
                    _persistence.DeleteVersion(bucket.Name, removed);
                }

                outcome = new DeleteOutcome(removed, null, null);
            }
            else
            {
                if (bucket.Versioning == VersioningStatus.Suspended && entry is not null)
                {
                    removed = entry.Versions.FirstOrDefault(static v => v.VersionId == ObjectVersion.NullVersionId);
                    if (removed is not null)
                    {
                        bucket.RemoveVersion(entry, removed);
                        _persistence.DeleteVersion(bucket.Name, removed);
                    }
                }

                var sequence = NextSequence();
                var marker = new ObjectVersion
                {
                    Key = key,
                    VersionId = bucket.Versioning == VersioningStatus.Enabled ? NewVersionId(sequence) : ObjectVersion.NullVersionId,
                    Sequence = sequence,
                    IsDeleteMarker = true,
                    LastModified = Now(),
                };
                _persistence.SaveVersion(bucket.Name, marker);
                bucket.AddVersion(marker);
                outcome = new DeleteOutcome(removed, marker, marker.VersionId);
            }
        }

        removed?.DeleteBlobs();
        return outcome;
    }

    /// <summary>Changes the attributes of a version in place (object tagging); its bytes and identity stay.</summary>
    public ObjectVersion ReplaceAttributes(BucketState bucket, string key, string? versionId, Func<ObjectAttributes, ObjectAttributes> change)
    {
        lock (bucket.Sync)
        {
            var entry = bucket.KeysByName.GetValueOrDefault(key) ?? throw S3Errors.NoSuchKey(key);
            var index = versionId is null ? 0 : entry.Versions.FindIndex(v => v.VersionId == versionId);
            if (index < 0)
            {
                throw S3Errors.NoSuchVersion(key, versionId!);
            }

            var version = entry.Versions[index];
            if (version.IsDeleteMarker)
            {
                throw versionId is null ? S3Errors.NoSuchKey(key) : S3Errors.MethodNotAllowed("PUT");
            }

            var updated = version.WithAttributes(change(version.Attributes));
            entry.Versions[index] = updated;
            _persistence.SaveVersion(bucket.Name, updated);
            return updated;
        }
    }

    public MultipartUpload CreateUpload(BucketState bucket, string key, ObjectAttributes attributes, Checksums.ChecksumAlgorithm? algorithm, string? checksumType)
    {
        var upload = new MultipartUpload
        {
            Key = key,
            UploadId = NewUploadId(NextSequence()),
            Initiated = Now(),
            Attributes = attributes,
            ChecksumAlgorithm = algorithm,
            ChecksumType = checksumType,
        };
        lock (bucket.Sync)
        {
            _persistence.SaveUpload(bucket.Name, upload);
            bucket.AddUpload(upload);
        }

        return upload;
    }

    /// <summary>Stores a part; a part with the same number is replaced. Fails if the upload ended meanwhile.</summary>
    public void PutPart(BucketState bucket, MultipartUpload upload, UploadedPart part)
    {
        UploadedPart? replaced;
        lock (bucket.Sync)
        {
            if (!bucket.UploadsById.ContainsKey(upload.UploadId))
            {
                part.Blob.Delete();
                throw S3Errors.NoSuchUpload(upload.UploadId);
            }

            _persistence.SavePart(bucket.Name, upload.UploadId, part);
            upload.Parts.TryGetValue(part.PartNumber, out replaced);
            upload.Parts[part.PartNumber] = part;
        }

        replaced?.Blob.Delete();
    }

    /// <summary>Turns the upload into an object made of <paramref name="parts"/>; the other parts are discarded.</summary>
    public ObjectVersion CompleteUpload(
        BucketState bucket, MultipartUpload upload, IReadOnlyList<UploadedPart> parts, Func<string, long, ObjectVersion> create,
        Action<ObjectVersion?>? precondition)
    {
        lock (bucket.Sync)
        {
            if (!bucket.UploadsById.ContainsKey(upload.UploadId))
            {
                throw S3Errors.NoSuchUpload(upload.UploadId);
            }

            foreach (var part in parts)
            {
                if (!upload.Parts.TryGetValue(part.PartNumber, out var current) || !ReferenceEquals(current, part))
                {
                    throw S3Errors.InvalidPart($"Part {part.PartNumber} changed while the upload was being completed.");
                }
            }

            var version = Commit(bucket, upload.Key, create, precondition);
            var kept = parts.Select(static p => p.Blob).ToHashSet();
            foreach (var part in upload.Parts.Values)
            {
                if (!kept.Contains(part.Blob))
                {
                    part.Blob.Delete();
                }
            }

            RemoveUpload(bucket, upload, deleteBlobs: false);
            return version;
        }
    }

    public void AbortUpload(BucketState bucket, string key, string uploadId)
    {
        lock (bucket.Sync)
        {
            var upload = bucket.UploadsById.TryGetValue(uploadId, out var found) && found.Key == key
                ? found
                : throw S3Errors.NoSuchUpload(uploadId);
            RemoveUpload(bucket, upload, deleteBlobs: true);
        }
    }

    private void RemoveUpload(BucketState bucket, MultipartUpload upload, bool deleteBlobs)
    {
        bucket.RemoveUpload(upload);
        _persistence.DeleteUpload(bucket.Name, upload.UploadId);
        if (deleteBlobs)
        {
            foreach (var part in upload.Parts.Values)
            {
                part.Blob.Delete();
            }
        }
    }

    /// <summary>Version ids: 32 hex characters, the sequence first so that they are unique and opaque enough.</summary>
    private static string NewVersionId(long sequence) =>
        sequence.ToString("x16", CultureInfo.InvariantCulture) + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>Upload ids sort by creation (listing orders uploads of one key by initiation time).</summary>
    private static string NewUploadId(long sequence) =>
        sequence.ToString("x16", CultureInfo.InvariantCulture) + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}

/// <summary>What a delete did: the version removed (if any), the delete marker created (if any), the version id to report.</summary>
public sealed record DeleteOutcome(ObjectVersion? Removed, ObjectVersion? DeleteMarker, string? VersionId);
