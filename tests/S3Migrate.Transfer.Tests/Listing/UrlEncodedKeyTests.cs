using System.Text;
using CsCheck;
using S3Migrate.Transfer.Listing;

namespace S3Migrate.Transfer.Tests.Listing;

/// <summary>URL-encoded keys (listings with encoding-type=url, S3 Inventory) decode to the exact stored key.</summary>
public sealed class UrlEncodedKeyTests
{
    /// <summary>The first five are what AWS S3 answers for these keys under encoding-type=url.</summary>
    [Theory]
    [InlineData("a+b.txt", "a b.txt")]
    [InlineData("a%2Bb.txt", "a+b.txt")]
    [InlineData("100%25.csv", "100%.csv")]
    [InlineData("%ED%95%9C%EA%B8%80/x.txt", "한글/x.txt")]
    [InlineData("run+books/x.txt", "run books/x.txt")]
    [InlineData("a%20b", "a b")]
    [InlineData("a%2fb", "a/b")]
    [InlineData("%2525", "%25")]
    [InlineData("ctl%01x", "ctl\u0001x")]
    [InlineData("%F0%9F%98%80", "😀")]
    [InlineData("unencoded-é", "unencoded-é")]
    [InlineData("plain/key", "plain/key")]
    public void DecodesAsS3Encodes(string encoded, string key) => Assert.Equal(key, UrlEncodedKey.Decode(encoded));

    [Theory]
    [InlineData("100%")]
    [InlineData("a%4")]
    [InlineData("a%G1")]
    [InlineData("%FF")]
    [InlineData("%C3")]
    public void RefusesMalformedEncodingNamingTheKey(string encoded)
    {
        var error = Assert.Throws<FormatException>(() => UrlEncodedKey.Decode(encoded));

        Assert.Contains(encoded, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodesWhatS3EncodesBackToTheKey() =>
        KeyGen.Text.Sample(key => UrlEncodedKey.Decode(EncodeAsS3(key)) == key, iter: 20_000);

    /// <summary>Form-style, as AWS S3 encodes listings: unreserved and '/' kept, space as '+', the rest %XX.</summary>
    private static string EncodeAsS3(string key)
    {
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            if (b == ' ')
            {
                encoded.Append('+');
            }
            else if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~' or (byte)'/')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }
}
