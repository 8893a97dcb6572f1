using System.Globalization;

namespace S3Migrate.Cli.Tests;

/// <summary><c>s3migrate copy</c> as an operator runs it: a mixed bucket, a rerun, and an object that cannot be written.</summary>
public sealed class CopyTests : IAsyncLifetime
{
    private const int MiB = CliHarness.MiB;
    private CliHarness _cli = null!;

    public async Task InitializeAsync() => _cli = await CliHarness.StartAsync();

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [Fact]
    public async Task CopiesAMixedBucketByteForByteWithoutWritingToTheSource()
    {
        var source = await _cli.BucketAsync(_cli.GlobalServer, "src");
        var destination = await _cli.BucketAsync(_cli.ChinaServer, "dst");
        var (small, large) = MixedSet("mixed/", smallObjects: 300);
        await _cli.PutAsync(_cli.GlobalServer, source, small);
        await _cli.PutAsync(_cli.GlobalServer, source, large, partSize: 5 * MiB);
        var objects = small.Concat(large).ToDictionary();
        _cli.GlobalServer.Counters.Reset();

        var result = await _cli.CliAsync(_cli.Copy($"s3://{source}/mixed/", $"s3://{destination}/copied/",
            "--json", "--part-size", "5MiB", "--resumable-threshold", "5MiB"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var report = CopyReport.Parse(result);
        var bytes = objects.Values.Sum(static d => (long)d.Length);
        Assert.Equal(("Completed", 0), (report.State, report.ExitCode));
        Assert.Equal(objects.Count, report.Counters.ObjectsDone);
        Assert.Equal(bytes, report.Counters.BytesDone);
        Assert.Equal(bytes, report.Counters.BytesTransferred);
        Assert.Equal((0, 0, 0), (report.Counters.ObjectsFailed, report.Counters.ObjectsSkipped, report.Counters.PartsReused));
        Assert.Empty(report.Failures);
        await _cli.AssertCopiedAsync(objects, destination, key => "copied/" + key["mixed/".Length..]);
        Assert.Equal(objects.Count, (await _cli.KeysAsync(_cli.ChinaServer, destination)).Count);

        // Large objects went as multipart uploads of 5 MiB parts; the source was only read.
        var parts = _cli.ChinaServer.Counters.Journal(static r => r is { Operation: "UploadPart", Status: 200 });
        Assert.Equal(large.Values.Sum(static d => (d.Length + (5 * MiB) - 1) / (5 * MiB)), parts.Count);
        var writes = CliHarness.Writes(_cli.GlobalServer);
        Assert.True(writes.Count == 0, "the source was written to: " + string.Join(", ", writes.Select(static r => $"{r.Operation} {r.Key}")));
    }

    [Fact]
    public async Task RerunOfACompletedCopySendsNothing()
    {
        var source = await _cli.BucketAsync(_cli.GlobalServer, "src");
        var destination = await _cli.BucketAsync(_cli.ChinaServer, "dst");
        var (small, large) = MixedSet(string.Empty, smallObjects: 20);
        await _cli.PutAsync(_cli.GlobalServer, source, small);

        // One large object uploaded in parts of another size than the copy's, one in one piece: neither ETag matches
        // the destination's multipart ETag, yet both are recognised as identical.
        await _cli.PutAsync(_cli.GlobalServer, source, large.Take(1).ToDictionary(), partSize: 6 * MiB);
        await _cli.PutAsync(_cli.GlobalServer, source, large.Skip(1).ToDictionary());
        var objects = small.Concat(large).ToDictionary();
        var copy = _cli.Copy($"s3://{source}/", $"s3://{destination}/", "--json", "--part-size", "5MiB", "--resumable-threshold", "5MiB");
        var first = await _cli.CliAsync(copy);
        Assert.True(first.ExitCode == 0, first.ToString());
        _cli.ChinaServer.Counters.Reset();

        var again = await _cli.CliAsync(copy);

        Assert.True(again.ExitCode == 0, again.ToString());
        var report = CopyReport.Parse(again);
        Assert.Equal("Completed", report.State);
        Assert.Equal(0, report.Counters.ObjectsDone);
        Assert.Equal(0, report.Counters.BytesTransferred);
        Assert.Equal(objects.Count, report.Counters.ObjectsSkipped);
        Assert.Equal(objects.Values.Sum(static d => (long)d.Length), report.Counters.BytesSkipped);
        var writes = CliHarness.Writes(_cli.ChinaServer).Where(static r => r.Key?.Contains(".s3migrate-preflight-", StringComparison.Ordinal) != true).ToList();
        Assert.True(writes.Count == 0, "the rerun wrote: " + string.Join(", ", writes.Select(static r => $"{r.Operation} {r.Key}")));
        await _cli.AssertCopiedAsync(objects, destination, static key => key);
    }

    [Fact]
    public async Task ObjectThatCannotBeWrittenIsListedWithItsReasonAndTheOthersVerify()
    {
        var source = await _cli.BucketAsync(_cli.GlobalServer, "src");
        var destination = await _cli.BucketAsync(_cli.ChinaServer, "dst");

        // The destination prefix leaves room for short keys only: S3 refuses keys over 1,024 bytes (KeyTooLongError).
        var prefix = new string('p', 950) + "/";
        var tooLong = new string('k', 90) + ".txt";
        var objects = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["a.txt"] = CliHarness.Bytes(100, 1),
            ["b.txt"] = CliHarness.Bytes(2000, 2),
            ["c.txt"] = [],
            [tooLong] = CliHarness.Bytes(300, 3),
        };
        await _cli.PutAsync(_cli.GlobalServer, source, objects);

        var result = await _cli.CliAsync(_cli.Copy($"s3://{source}/", $"s3://{destination}/{prefix}", "--no-progress"));

        Assert.True(result.ExitCode == 2, result.ToString());
        var failures = result.StandardError.Split('\n').SkipWhile(static l => !l.StartsWith("failed objects", StringComparison.Ordinal)).ToList();
        Assert.True(failures.Count >= 2, result.ToString());
        Assert.Equal("failed objects (1):", failures[0]);
        Assert.StartsWith($"  s3://{source}/{tooLong}: ", failures[1], StringComparison.Ordinal);
        Assert.Contains("KeyTooLong", failures[1], StringComparison.Ordinal);
        Assert.Contains("completed with failures", result.StandardOutput, StringComparison.Ordinal);
        await _cli.AssertCopiedAsync(objects.Where(e => e.Key != tooLong).ToDictionary(), destination, key => prefix + key);
    }

    /// <summary>
    /// Small objects (one of zero bytes) and three large ones, with keys that S3 clients get wrong: unicode, spaces, '+',
    /// '%', reserved characters, a folder marker. Only two sub-folders: see <see cref="DiffSplitTests"/>.
    /// </summary>
    private static (Dictionary<string, byte[]> Small, Dictionary<string, byte[]> Large) MixedSet(string prefix, int smallObjects)
    {
        var small = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (var i = 0; i < smallObjects; i++)
        {
            small[prefix + "small-" + i.ToString("D3", CultureInfo.InvariantCulture) + ".bin"] = CliHarness.Bytes(i * 37 % 6000, i);
        }

        string[] awkward =
        [
            "ü-é 中文 データ.txt", "with space.txt", "a+b=c.txt", "100%.txt", "%2F%20not-decoded.txt", "tilde~!$&'()*,;=@.txt",
            "sub dir/inner +%.txt", "sub dir/emoji-🚀.txt", "folder/",
        ];
        foreach (var (key, i) in awkward.Select(static (k, i) => (k, i)))
        {
            small[prefix + key] = key.EndsWith('/') ? [] : CliHarness.Bytes(500 + i, 1000 + i);
        }

        var large = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [prefix + "large 17+ü%.bin"] = CliHarness.Bytes(17 * MiB, 2001),
            [prefix + "large-12.bin"] = CliHarness.Bytes(12 * MiB, 2002),
            [prefix + "large-20.bin"] = CliHarness.Bytes((20 * MiB) - 3, 2003),
        };
        return (small, large);
    }
}
