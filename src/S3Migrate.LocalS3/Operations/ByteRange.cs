using System.Globalization;
using S3Migrate.LocalS3.Protocol;

namespace S3Migrate.LocalS3.Operations;

/// <summary>An inclusive byte range of an object.</summary>
public readonly record struct ByteRange(long First, long Last)
{
    public long Length => Last - First + 1;

    /// <summary>
    /// Parses a Range header against an object size. Returns null when the header is absent or syntactically invalid
    /// (S3 then serves the whole object); throws 416 InvalidRange when it cannot be satisfied.
    /// </summary>
    public static ByteRange? Parse(string? header, long size)
    {
        if (header is null || !header.StartsWith("bytes=", StringComparison.Ordinal))
        {
            return null;
        }

        var spec = header["bytes=".Length..].Trim();
        if (spec.Contains(',', StringComparison.Ordinal))
        {
            return null;
        }

        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return null;
        }

        var firstText = spec[..dash].Trim();
        var lastText = spec[(dash + 1)..].Trim();
        if (firstText.Length == 0)
        {
            if (!TryParse(lastText, out var suffix))
            {
                return null;
            }

            if (suffix == 0 || size == 0)
            {
                throw S3Errors.InvalidRange(size, header);
            }

            return new ByteRange(Math.Max(0, size - suffix), size - 1);
        }

        if (!TryParse(firstText, out var first))
        {
            return null;
        }

        long last;
        if (lastText.Length == 0)
        {
            last = size - 1;
        }
        else if (!TryParse(lastText, out last))
        {
            return null;
        }

        if (first >= size || first > last)
        {
            throw S3Errors.InvalidRange(size, header);
        }

        return new ByteRange(first, Math.Min(last, size - 1));
    }

    /// <summary>x-amz-copy-source-range: bytes=first-last, both given and inside the source.</summary>
    public static ByteRange ParseCopySourceRange(string header, long size)
    {
        if (!header.StartsWith("bytes=", StringComparison.Ordinal))
        {
            throw S3Errors.InvalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last.", "x-amz-copy-source-range", header);
        }

        var spec = header["bytes=".Length..];
        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !TryParse(spec[..dash], out var first) || !TryParse(spec[(dash + 1)..], out var last) || first > last)
        {
            throw S3Errors.InvalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last.", "x-amz-copy-source-range", header);
        }

        if (last >= size)
        {
            throw S3Errors.InvalidArgument("Range specified is not valid for source object of size: " + size.ToString(CultureInfo.InvariantCulture),
                "x-amz-copy-source-range", header);
        }

        return new ByteRange(first, last);
    }

    private static bool TryParse(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
