using System.Buffers;
using System.Text;

namespace S3Migrate.LocalS3.Protocol;

/// <summary>
/// Percent-encoding as S3 and SigV4 use it: decoding of what arrived on the wire, and the strict
/// encoding (every byte but <c>A–Z a–z 0–9 - _ . ~</c>) that canonical requests and url-encoded listings use.
/// </summary>
public static class S3Encoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool IsUnreserved(byte b) =>
        b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9'
            or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~';

    /// <summary>Encodes every byte of the UTF-8 form except unreserved ones (and '/', when <paramref name="keepSlash"/>).</summary>
    public static string UriEncode(string value, bool keepSlash)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        var rented = ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            var count = Encoding.UTF8.GetBytes(value, rented);
            var needsEncoding = false;
            for (var i = 0; i < count; i++)
            {
                if (!IsUnreserved(rented[i]) && !(keepSlash && rented[i] == (byte)'/'))
                {
                    needsEncoding = true;
                    break;
                }
            }

            if (!needsEncoding)
            {
                return value;
            }

            var builder = new StringBuilder(count * 3);
            for (var i = 0; i < count; i++)
            {
                var b = rented[i];
                if (IsUnreserved(b) || (keepSlash && b == (byte)'/'))
                {
                    builder.Append((char)b);
                }
                else
                {
                    builder.Append('%').Append("0123456789ABCDEF"[b >> 4]).Append("0123456789ABCDEF"[b & 0xF]);
                }
            }

            return builder.ToString();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Decodes %XX escapes (and '+' as a space when <paramref name="plusAsSpace"/>) and reads the bytes as strict UTF-8.
    /// Returns false for a malformed escape or invalid UTF-8.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> value, bool plusAsSpace, out string decoded)
    {
        if (value.IndexOfAny('%', '+') < 0)
        {
            decoded = value.ToString();
            return true;
        }

        var maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        var rented = ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            var n = 0;
            Span<byte> scratch = stackalloc byte[4];
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (c == '%')
                {
                    if (i + 2 >= value.Length || !IsHex(value[i + 1]) || !IsHex(value[i + 2]))
                    {
                        decoded = string.Empty;
                        return false;
                    }

                    rented[n++] = (byte)((HexValue(value[i + 1]) << 4) | HexValue(value[i + 2]));
                    i += 2;
                }
                else if (c == '+' && plusAsSpace)
                {
                    rented[n++] = (byte)' ';
                }
                else if (c < 0x80)
                {
                    rented[n++] = (byte)c;
                }
                else
                {
                    // A raw non-ASCII character on the wire: keep it as its UTF-8 bytes.
                    var length = char.IsHighSurrogate(c) && i + 1 < value.Length ? 2 : 1;
                    var written = Encoding.UTF8.GetBytes(value.Slice(i, length), scratch);
                    scratch[..written].CopyTo(rented.AsSpan(n));
                    n += written;
                    i += length - 1;
                }
            }

            try
            {
                decoded = StrictUtf8.GetString(rented, 0, n);
                return true;
            }
            catch (DecoderFallbackException)
            {
                decoded = string.Empty;
                return false;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static string Decode(ReadOnlySpan<char> value, bool plusAsSpace) =>
        TryDecode(value, plusAsSpace, out var decoded) ? decoded : throw S3Errors.InvalidUri();

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
