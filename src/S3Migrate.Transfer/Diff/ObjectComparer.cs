using System.Buffers;
using S3Migrate.Transfer.Listing;

namespace S3Migrate.Transfer.Diff;

/// <summary>Decides whether a destination object still matches its source, from what listings show.</summary>
public static class ObjectComparer
{
    private const int Md5HexLength = 32;

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    public static ChangeReason Compare(ListedObject source, ListedObject destination, DiffOptions options)
    {
        var changes = ChangeReason.None;
        if (source.Size != destination.Size)
        {
            changes |= ChangeReason.Size;
        }

        if (options.CompareETags && ETagsComparable(source.ETag, destination.ETag) &&
            !string.Equals(source.ETag, destination.ETag, StringComparison.OrdinalIgnoreCase))
        {
            changes |= ChangeReason.ETag;
        }

        if (options.CompareLastModified && source.LastModified > destination.LastModified)
        {
            changes |= ChangeReason.LastModified;
        }

        return changes;
    }

    /// <summary>
    /// Both plain MD5s (32 hex digits), or both multipart ETags ("md5-N") with the same part count. A multipart object
    /// copied with other part sizes, or a single-part copy of a multipart object, has a different ETag for the same bytes.
    /// </summary>
    public static bool ETagsComparable(string source, string destination)
    {
        var sourceParts = PartCount(source);
        return sourceParts >= 0 && sourceParts == PartCount(destination);
    }

    /// <summary>0 for a plain MD5 ETag, N for "md5-N", -1 for anything else.</summary>
    public static int PartCount(string etag)
    {
        if (etag.Length < Md5HexLength || !IsHex(etag.AsSpan(0, Md5HexLength)))
        {
            return -1;
        }

        if (etag.Length == Md5HexLength)
        {
            return 0;
        }

        var suffix = etag.AsSpan(Md5HexLength);
        return suffix.Length > 1 && suffix[0] == '-' && int.TryParse(suffix[1..], System.Globalization.NumberStyles.None, null, out var parts) && parts > 0
            ? parts
            : -1;
    }

    private static bool IsHex(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(HexDigits);
}
