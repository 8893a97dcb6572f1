using System.Text;
using System.Xml;
using S3Migrate.LocalS3.Protocol;
using S3Migrate.LocalS3.Storage;

namespace S3Migrate.LocalS3.Operations;

/// <summary>ListObjectsV2, ListObjects (v1) and ListObjectVersions, in UTF-8 key order with delimiters and paging.</summary>
public static class ListingOperations
{
    public const int MaxKeys = 1000;

    public static async Task ListObjectsV2(S3Context context)
    {
        var bucket = context.Bucket();
        var query = context.Query;
        var prefix = query.Get("prefix") ?? string.Empty;
        var delimiter = NullIfEmpty(query.Get("delimiter"));
        var maxKeys = query.GetInt("max-keys", MaxKeys, 0, MaxKeys);
        var startAfter = NullIfEmpty(query.Get("start-after"));
        var token = query.Get("continuation-token");
        var encode = ListingEncoding.Read(query);
        var fetchOwner = query.Get("fetch-owner") == "true";
        var marker = token is not null ? DecodeToken(token) : startAfter;

        var page = Walk(bucket, prefix, delimiter, marker, maxKeys);
        await context.Output.WriteXmlAsync(S3Xml.Write("ListBucketResult", w =>
        {
            w.Element("Name", bucket.Name);
            w.Element("Prefix", encode(prefix));
            w.Element("Delimiter", delimiter is null ? null : encode(delimiter));
            w.Element("MaxKeys", maxKeys);
            w.Element("EncodingType", query.Get("encoding-type"));
            w.Element("KeyCount", page.Objects.Count + page.CommonPrefixes.Count);
            w.Element("IsTruncated", page.Truncated);
            w.Element("ContinuationToken", token);
            if (page.Truncated)
            {
                w.Element("NextContinuationToken", EncodeToken(page.LastPosition!));
            }

            w.Element("StartAfter", startAfter is null ? null : encode(startAfter));
            WriteContents(w, page, encode, fetchOwner);
        }), context.Aborted);
    }

    public static async Task ListObjects(S3Context context)
    {
        var bucket = context.Bucket();
        var query = context.Query;
        var prefix = query.Get("prefix") ?? string.Empty;
        var delimiter = NullIfEmpty(query.Get("delimiter"));
        var maxKeys = query.GetInt("max-keys", MaxKeys, 0, MaxKeys);
        var marker = NullIfEmpty(query.Get("marker"));
        var encode = ListingEncoding.Read(query);

        var page = Walk(bucket, prefix, delimiter, marker, maxKeys);
        await context.Output.WriteXmlAsync(S3Xml.Write("ListBucketResult", w =>
        {
            w.Element("Name", bucket.Name);
            w.Element("Prefix", encode(prefix));
            w.Element("Marker", encode(marker ?? string.Empty));
            if (page.Truncated && delimiter is not null)
            {
                w.Element("NextMarker", encode(page.LastPosition!));
            }

            w.Element("MaxKeys", maxKeys);
            w.Element("Delimiter", delimiter is null ? null : encode(delimiter));
            w.Element("EncodingType", query.Get("encoding-type"));
            w.Element("IsTruncated", page.Truncated);
            WriteContents(w, page, encode, fetchOwner: true);
        }), context.Aborted);
    }

    public static async Task ListObjectVersions(S3Context context)
    {
        var bucket = context.Bucket();
        var query = context.Query;
        var prefix = query.Get("prefix") ?? string.Empty;
        var delimiter = NullIfEmpty(query.Get("delimiter"));
        var maxKeys = query.GetInt("max-keys", MaxKeys, 0, MaxKeys);
        var keyMarker = NullIfEmpty(query.Get("key-marker"));
        var versionIdMarker = keyMarker is null ? null : NullIfEmpty(query.Get("version-id-marker"));
        var encode = ListingEncoding.Read(query);

        var versions = new List<(ObjectVersion Version, bool IsLatest)>();
        var prefixes = new List<string>();
        var truncated = false;
        string? nextKeyMarker = null, nextVersionIdMarker = null;
        lock (bucket.Sync)
        {
            var start = keyMarker is not null && Utf8KeyComparer.Instance.Compare(keyMarker, prefix) > 0 ? keyMarker : prefix;
            foreach (var entry in bucket.KeysFrom(start))
            {
                if (!entry.Key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    break;
                }

                if (CommonPrefix(entry.Key, prefix, delimiter) is { } commonPrefix)
                {
                    if ((keyMarker is not null && Utf8KeyComparer.Instance.Compare(commonPrefix, keyMarker) <= 0) ||
                        (prefixes.Count > 0 && prefixes[^1] == commonPrefix))
                    {
                        continue;
                    }

                    if (versions.Count + prefixes.Count == maxKeys)
                    {
                        truncated = true;
                        break;
                    }

                    prefixes.Add(commonPrefix);
                    nextKeyMarker = commonPrefix;
                    nextVersionIdMarker = null;
                    continue;
                }

                var skipping = entry.Key == keyMarker;
                if (skipping && versionIdMarker is null)
                {
                    continue;
                }

                foreach (var version in entry.Versions)
                {
                    if (skipping)
                    {
                        if (version.VersionId == versionIdMarker)
                        {
                            skipping = false;
                        }

                        continue;
                    }

                    if (versions.Count + prefixes.Count == maxKeys)
                    {
                        truncated = true;
                        break;
                    }

                    versions.Add((version, ReferenceEquals(entry.Current, version)));
                    nextKeyMarker = version.Key;
                    nextVersionIdMarker = version.VersionId;
                }

                if (truncated)
                {
                    break;
                }
            }
        }

        await context.Output.WriteXmlAsync(S3Xml.Write("ListVersionsResult", w =>
        {
            w.Element("Name", bucket.Name);
            w.Element("Prefix", encode(prefix));
            w.Element("KeyMarker", encode(keyMarker ?? string.Empty));
            w.Element("VersionIdMarker", versionIdMarker ?? string.Empty);
            if (truncated)
            {
                w.Element("NextKeyMarker", encode(nextKeyMarker!));
                w.Element("NextVersionIdMarker", nextVersionIdMarker);
            }

            w.Element("MaxKeys", maxKeys);
            w.Element("Delimiter", delimiter is null ? null : encode(delimiter));
            w.Element("EncodingType", query.Get("encoding-type"));
            w.Element("IsTruncated", truncated);
            foreach (var (version, isLatest) in versions)
            {
                w.Start(version.IsDeleteMarker ? "DeleteMarker" : "Version");
                w.Element("Key", encode(version.Key));
                w.Element("VersionId", version.VersionId);
                w.Element("IsLatest", isLatest);
                w.Element("LastModified", S3Xml.Timestamp(version.LastModified));
                if (!version.IsDeleteMarker)
                {
                    w.Element("ETag", S3Xml.Quote(version.ETag));
                    w.Element("Size", version.Size);
                    w.Element("StorageClass", version.Attributes.StorageClass);
                    WriteChecksumAlgorithm(w, version);
                }

                WriteOwner(w);
                w.WriteEndElement();
            }

            foreach (var commonPrefix in prefixes)
            {
                w.Start("CommonPrefixes");
                w.Element("Prefix", encode(commonPrefix));
                w.WriteEndElement();
            }
        }), context.Aborted);
    }

    /// <summary>
    /// Collects up to <paramref name="maxKeys"/> current objects and common prefixes after <paramref name="marker"/>
    /// (exclusive). Objects whose current version is a delete marker are invisible.
    /// </summary>
    private static ListingPage Walk(BucketState bucket, string prefix, string? delimiter, string? marker, int maxKeys)
    {
        var page = new ListingPage();
        lock (bucket.Sync)
        {
            var start = marker is not null && Utf8KeyComparer.Instance.Compare(marker, prefix) > 0 ? marker : prefix;
            foreach (var entry in bucket.KeysFrom(start))
            {
                if (!entry.Key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    break;
                }

                var current = entry.Current;
                if (current is null || current.IsDeleteMarker)
                {
                    continue;
                }

                var position = CommonPrefix(entry.Key, prefix, delimiter) ?? entry.Key;
                if ((marker is not null && Utf8KeyComparer.Instance.Compare(position, marker) <= 0) || position == page.LastPosition)
                {
                    continue;
                }

                if (page.Objects.Count + page.CommonPrefixes.Count == maxKeys)
                {
                    page.Truncated = true;
                    break;
                }

                if (position == entry.Key)
                {
                    page.Objects.Add(current);
                }
                else
                {
                    page.CommonPrefixes.Add(position);
                }

                page.LastPosition = position;
            }
        }

        return page;
    }

    private static string? CommonPrefix(string key, string prefix, string? delimiter)
    {
        if (delimiter is null)
        {
            return null;
        }

        var index = key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
        return index < 0 ? null : key[..(index + delimiter.Length)];
    }

    private static void WriteContents(XmlWriter w, ListingPage page, Func<string, string> encode, bool fetchOwner)
    {
        foreach (var version in page.Objects)
        {
            w.Start("Contents");
            w.Element("Key", encode(version.Key));
            w.Element("LastModified", S3Xml.Timestamp(version.LastModified));
            w.Element("ETag", S3Xml.Quote(version.ETag));
            WriteChecksumAlgorithm(w, version);
            w.Element("Size", version.Size);
            if (fetchOwner)
            {
                WriteOwner(w);
            }

            w.Element("StorageClass", version.Attributes.StorageClass);
            w.WriteEndElement();
        }

        foreach (var commonPrefix in page.CommonPrefixes)
        {
            w.Start("CommonPrefixes");
            w.Element("Prefix", encode(commonPrefix));
            w.WriteEndElement();
        }
    }

    private static void WriteChecksumAlgorithm(XmlWriter w, ObjectVersion version)
    {
        if (version.Checksum is { } checksum)
        {
            w.Element("ChecksumAlgorithm", Checksums.ChecksumAlgorithms.Name(checksum.Algorithm));
            w.Element("ChecksumType", checksum.Type);
        }
    }

    private static void WriteOwner(XmlWriter w)
    {
        w.Start("Owner");
        w.Element("ID", LocalS3Owner.Id);
        w.Element("DisplayName", LocalS3Owner.DisplayName);
        w.WriteEndElement();
    }

    private static string EncodeToken(string position) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("v1:" + position)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string DecodeToken(string token)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(base64));
            if (text.StartsWith("v1:", StringComparison.Ordinal))
            {
                return text[3..];
            }
        }
        catch (FormatException)
        {
        }
        catch (ArgumentException)
        {
        }

        throw S3Errors.InvalidArgument("The continuation token provided is incorrect", "continuation-token", token);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private sealed class ListingPage
    {
        public List<ObjectVersion> Objects { get; } = [];

        public List<string> CommonPrefixes { get; } = [];

        public bool Truncated { get; set; }

        public string? LastPosition { get; set; }
    }
}
