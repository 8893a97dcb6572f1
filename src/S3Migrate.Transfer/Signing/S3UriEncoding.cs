using System.Text;

namespace S3Migrate.Transfer.Signing;

/// <summary>
/// S3's percent-encoding: every UTF-8 byte except the unreserved characters (A–Z a–z 0–9 - _ . ~) becomes %XX with
/// uppercase hex, and '/' is kept in paths. The same text is sent and signed, so what S3 decodes and re-encodes to
/// check the signature is exactly what was signed — for any key: spaces, '+', '%', unicode, leading or doubled slashes.
/// </summary>
public static class S3UriEncoding
{
    private const string Hex = "0123456789ABCDEF";

    /// <summary>Appends <paramref name="value"/> encoded; <paramref name="keepSlash"/> for object keys in a path.</summary>
    public static void Append(StringBuilder builder, string value, bool keepSlash)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (IsUnreserved(c) || (c == '/' && keepSlash))
            {
                builder.Append(c);
                continue;
            }

            if (c < 0x80)
            {
                AppendEscaped(builder, (byte)c);
                continue;
            }

            // Unpaired surrogates become U+FFFD, as any UTF-8 encoder would send them.
            if (!Rune.TryCreate(c, out var rune))
            {
                rune = i + 1 < value.Length && Rune.TryCreate(c, value[i + 1], out var pair) ? pair : Rune.ReplacementChar;
                if (rune.Utf16SequenceLength == 2)
                {
                    i++;
                }
            }

            var length = rune.EncodeToUtf8(utf8);
            for (var b = 0; b < length; b++)
            {
                AppendEscaped(builder, utf8[b]);
            }
        }
    }

    /// <summary><paramref name="value"/> encoded as a query parameter name or value (slashes encoded too).</summary>
    public static string Encode(string value)
    {
        var needs = false;
        foreach (var c in value)
        {
            if (!IsUnreserved(c))
            {
                needs = true;
                break;
            }
        }

        if (!needs)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length * 3);
        Append(builder, value, keepSlash: false);
        return builder.ToString();
    }

    private static bool IsUnreserved(char c) =>
        c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.' or '~';

    private static void AppendEscaped(StringBuilder builder, byte b) => builder.Append('%').Append(Hex[b >> 4]).Append(Hex[b & 0xF]);
}
