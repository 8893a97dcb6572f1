using S3Migrate.Transfer.Listing;

namespace S3Migrate.Transfer.Tests.Listing;

/// <summary>Manifests give back their keys exactly: plain lines as written, S3 Inventory CSV decoded.</summary>
public sealed class ManifestReaderTests
{
    [Fact]
    public async Task PlainLinesAreKeysExactlyAsWritten()
    {
        var keys = await Read("a b \n+plus%2F\r\n\n/leading//double\n😀 trailing space \ncr\rinside\nlast-without-newline", null);

        Assert.Equal(["a b ", "+plus%2F", "/leading//double", "😀 trailing space ", "cr\rinside", "last-without-newline"], keys);
    }

    [Fact]
    public async Task InventoryCsvRowsGiveTheirDecodedKeys()
    {
        const string Inventory =
            "\"src\",\"a+b.txt\",\"12\",\"2024-05-01T00:00:00.000Z\"\n" +
            "\"src\",\"a%2Bb.txt\",\"12\"\n" +
            "\"src\",\"%ED%95%9C%EA%B8%80/x%22y\",\"1\"\n" +
            "\"src\",\"with\"\"quote\"\n";

        var keys = await Read(Inventory, "src");

        Assert.Equal(["a b.txt", "a+b.txt", "한글/x\"y", "with\"quote"], keys);
    }

    [Fact]
    public async Task UnquotedCsvIsReadWhenAsked()
    {
        var keys = await Read("src,a+b\nsrc,folder/%F0%9F%98%80,extra\n", "src", ManifestFormat.Csv);

        Assert.Equal(["a b", "folder/😀"], keys);
    }

    [Fact]
    public async Task AKeyPerLineManifestMayStartWithAQuoteWhenItSaysSo()
    {
        var keys = await Read("\"quoted\",key\n", null, ManifestFormat.KeyPerLine);

        Assert.Equal(["\"quoted\",key"], keys);
    }

    [Theory]
    [InlineData("\"src\",\"a\"\n\"other\",\"b\"\n", "line 2: the row is for bucket 'other'")]
    [InlineData("\"src\",\"a\"\n\"src\"\n", "line 2: expected 'bucket,key'")]
    [InlineData("\"src\",\"unclosed\n", "line 1: a quoted field is not closed")]
    [InlineData("\"src\",\"bad%G0\"\n", "line 1: The URL-encoded key 'bad%G0'")]
    [InlineData("\"src\",\"\"\n", "line 1: the key is empty")]
    public async Task MalformedRowsAreRefusedWithTheirLineNumber(string manifest, string expected)
    {
        var error = await Assert.ThrowsAsync<FormatException>(() => Read(manifest, "src"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LongManifestsAreReadAcrossBufferBoundaries()
    {
        var keys = Enumerable.Range(0, 20_000).Select(static i => $"key-{i}-{new string('x', i % 40)}").ToList();

        Assert.Equal(keys, await Read(string.Join('\n', keys), null));
    }

    private static async Task<List<string>> Read(string manifest, string? bucket, ManifestFormat format = ManifestFormat.Auto) =>
        await ManifestReader.ReadKeysAsync(new StringReader(manifest), bucket, format).ToListAsync();
}
