using System.Buffers;
using System.Text;

namespace S3Migrate.Transfer.Listing;

/// <summary>
/// Decodes keys that S3 returns URL-encoded: listings requested with <c>encoding-type=url</c> and S3 Inventory reports.
/// S3 encodes these form-style: a space becomes '+', a literal '+' becomes %2B, other bytes outside the unreserved
/// set become %XX of their UTF-8 bytes. So '+' decodes to a space here — and only here: keys in request paths and
/// keys we hold are never decoded.
/// </summary>
public static class UrlEncodedKey
{
    private const int HexDigitsPerByte = 2;
    private const int StackBufferBytes = 512;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <exception cref="FormatException">A '%' is not followed by two hex digits, or the bytes are not UTF-8.</exception>
    public static string Decode(string encoded)
    {
        if (encoded.AsSpan().IndexOfAny('%', '+') < 0)
        {
            return encoded;
        }

        var capacity = StrictUtf8.GetMaxByteCount(encoded.Length);
        byte[]? rented = null;
        var buffer = capacity <= StackBufferBytes ? stackalloc byte[StackBufferBytes] : (rented = ArrayPool<byte>.Shared.Rent(capacity));
        try
        {
            var length = 0;
            for (var i = 0; i < encoded.Length;)
            {
                var c = encoded[i];
                if (c == '%')
                {
                    if (i + HexDigitsPerByte >= encoded.Length ||
                        !byte.TryParse(encoded.AsSpan(i + 1, HexDigitsPerByte), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var value))
                    {
                        throw new FormatException($"The URL-encoded key '{encoded}' has a '%' at position {i} that is not followed by two hex digits.");
                    }

                    buffer[length++] = value;
                    i += 1 + HexDigitsPerByte;
                }
                else if (c == '+')
                {
                    buffer[length++] = (byte)' ';
                    i++;
                }
                else
                {
                    // Servers leave unreserved characters as they are; anything else unencoded is taken as text.
                    Rune.DecodeFromUtf16(encoded.AsSpan(i), out var rune, out var consumed);
                    length += rune.EncodeToUtf8(buffer[length..]);
                    i += consumed;
                }
            }

            try
            {
                return StrictUtf8.GetString(buffer[..length]);
            }
            catch (DecoderFallbackException e)
            {
                throw new FormatException($"The URL-encoded key '{encoded}' does not decode to UTF-8.", e);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
