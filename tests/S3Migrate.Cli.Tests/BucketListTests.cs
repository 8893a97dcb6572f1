namespace S3Migrate.Cli.Tests;

/// <summary>The original tool's bucket list, given to <c>copy --bucket-list</c>, maps keys as the original did.</summary>
public sealed class BucketListTests : IAsyncLifetime
{
    private CliHarness _cli = null!;

    public async Task InitializeAsync() => _cli = await CliHarness.StartAsync();

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [Fact]
    public async Task DestinationKeyIsTheDestinationPrefixThenTheFullSourceKey()
    {
        var first = await _cli.BucketAsync(_cli.GlobalServer, "src");
        var second = await _cli.BucketAsync(_cli.GlobalServer, "src");
        var destination = await _cli.BucketAsync(_cli.ChinaServer, "dst");
        var fromFirst = Objects("data/a.txt", "data/sub/b.txt", "database.txt", "other/c.txt");
        var fromSecond = Objects("x.txt", "y/z.txt");
        await _cli.PutAsync(_cli.GlobalServer, first, fromFirst);
        await _cli.PutAsync(_cli.GlobalServer, second, fromSecond);

        // src_prefix is a key prefix, not a folder ("data" also selects "database.txt"); "/" is the whole bucket; a
        // des_prefix may or may not end with '/'.
        var list = _cli.WriteFile("buckets.json", $$"""
            [
              {"src_bucket": "{{first}}", "src_prefix": "data", "des_bucket": "{{destination}}", "des_prefix": "backup"},
              {"src_bucket": "{{second}}", "src_prefix": "/", "des_bucket": "{{destination}}", "des_prefix": "whole/"}
            ]
            """);

        var result = await _cli.CliAsync("copy", "--bucket-list", list, "--from", "global", "--to", "china",
            "--config", _cli.SettingsFile, "--state-dir", _cli.StateDirectory, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(5, CopyReport.Parse(result).Counters.ObjectsDone);
        Assert.Equal(
            ["backup/data/a.txt", "backup/data/sub/b.txt", "backup/database.txt", "whole/x.txt", "whole/y/z.txt"],
            await _cli.KeysAsync(_cli.ChinaServer, destination));
        await _cli.AssertCopiedAsync(fromFirst.Where(static e => e.Key.StartsWith("data", StringComparison.Ordinal)).ToDictionary(),
            destination, static key => "backup/" + key);
        await _cli.AssertCopiedAsync(fromSecond, destination, static key => "whole/" + key);
    }

    private static Dictionary<string, byte[]> Objects(params string[] keys) =>
        keys.Select((key, i) => (key, i)).ToDictionary(static e => e.key, static e => CliHarness.Bytes(100 + e.i, e.key.Length + e.i), StringComparer.Ordinal);
}
