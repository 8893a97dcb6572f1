using System.Runtime.CompilerServices;
using System.Text;

namespace S3Migrate.Transfer.Listing;

/// <summary>Reads the keys of a manifest (see <see cref="ManifestFormat"/>) one line at a time.</summary>
public static class ManifestReader
{
    private const int BufferChars = 16 * 1024;
    private const char Quote = '"';
    private const char Separator = ',';

    /// <summary>
    /// The keys in <paramref name="manifest"/>, exactly as written (plain lines) or decoded (CSV).
    /// </summary>
    /// <param name="bucket">When given, CSV rows must name this bucket.</param>
    /// <exception cref="FormatException">A CSV row is malformed or names another bucket; the message gives the line.</exception>
    public static async IAsyncEnumerable<string> ReadKeysAsync(
        TextReader manifest, string? bucket, ManifestFormat format = ManifestFormat.Auto,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long number = 0;
        await foreach (var line in LinesAsync(manifest, cancellationToken))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            if (format == ManifestFormat.Auto)
            {
                format = line[0] == Quote ? ManifestFormat.Csv : ManifestFormat.KeyPerLine;
            }

            yield return format == ManifestFormat.Csv ? CsvKey(line, number, bucket) : line;
        }
    }

    private static string CsvKey(string line, long number, string? bucket)
    {
        var position = 0;
        var rowBucket = Field(line, ref position, number);
        if (position >= line.Length || line[position] != Separator)
        {
            throw new FormatException($"Manifest line {number}: expected 'bucket,key', found only one field.");
        }

        position++;
        var encodedKey = Field(line, ref position, number);
        if (bucket is not null && !string.Equals(rowBucket, bucket, StringComparison.Ordinal))
        {
            throw new FormatException($"Manifest line {number}: the row is for bucket '{rowBucket}', not the source bucket '{bucket}'.");
        }

        if (encodedKey.Length == 0)
        {
            throw new FormatException($"Manifest line {number}: the key is empty.");
        }

        try
        {
            return UrlEncodedKey.Decode(encodedKey);
        }
        catch (FormatException e)
        {
            throw new FormatException($"Manifest line {number}: {e.Message}", e);
        }
    }

    /// <summary>One RFC 4180 field from <paramref name="position"/>, which ends on the separator after it (or the end).</summary>
    private static string Field(string line, ref int position, long number)
    {
        if (position >= line.Length || line[position] != Quote)
        {
            var end = line.IndexOf(Separator, position);
            end = end < 0 ? line.Length : end;
            var plain = line[position..end];
            position = end;
            return plain;
        }

        var value = new StringBuilder();
        for (var i = position + 1; i < line.Length; i++)
        {
            if (line[i] != Quote)
            {
                value.Append(line[i]);
            }
            else if (i + 1 < line.Length && line[i + 1] == Quote)
            {
                value.Append(Quote);
                i++;
            }
            else
            {
                position = i + 1;
                if (position < line.Length && line[position] != Separator)
                {
                    throw new FormatException($"Manifest line {number}: unexpected text after the quoted field at column {position + 1}.");
                }

                return value.ToString();
            }
        }

        throw new FormatException($"Manifest line {number}: a quoted field is not closed.");
    }

    /// <summary>Lines split at '\n' only: a key may hold any other character, '\r' included (one before '\n' is dropped).</summary>
    private static async IAsyncEnumerable<string> LinesAsync(TextReader reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new char[BufferChars];
        var line = new StringBuilder();
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
        {
            var start = 0;
            int newline;
            while ((newline = Array.IndexOf(buffer, '\n', start, read - start)) >= 0)
            {
                line.Append(buffer, start, newline - start);
                yield return Take(line);
                start = newline + 1;
            }

            line.Append(buffer, start, read - start);
        }

        if (line.Length > 0)
        {
            yield return Take(line);
        }
    }

    private static string Take(StringBuilder line)
    {
        var length = line.Length > 0 && line[^1] == '\r' ? line.Length - 1 : line.Length;
        var text = line.ToString(0, length);
        line.Clear();
        return text;
    }
}
