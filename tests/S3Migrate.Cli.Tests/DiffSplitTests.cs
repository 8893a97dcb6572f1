namespace S3Migrate.Cli.Tests;

/// <summary>
/// A source with several folders is diffed by child diffs (one per key range). The copy must finish as soon as its
/// objects are verified, however the children's reports interleave with the parent's.
/// </summary>
public sealed class DiffSplitTests : IAsyncLifetime
{
    private CliHarness _cli = null!;

    public async Task InitializeAsync() => _cli = await CliHarness.StartAsync();

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [Fact]
    public async Task CopyOfAFolderedSourceFinishesPromptly()
    {
        var source = await _cli.BucketAsync(_cli.GlobalServer, "src");
        var destination = await _cli.BucketAsync(_cli.ChinaServer, "dst");
        var objects = Enumerable.Range(0, 120).ToDictionary(
            static i => $"folder-{i % 12:D2}/object-{i:D3}.txt", static i => CliHarness.Bytes(200 + i, i), StringComparer.Ordinal);
        await _cli.PutAsync(_cli.GlobalServer, source, objects);

        // The race is lost more often than not; three copies make a pass by luck unlikely.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var started = DateTime.UtcNow;
            var result = await _cli.CliAsync(_cli.Copy($"s3://{source}/", $"s3://{destination}/run-{attempt}/", "--json"), TimeSpan.FromSeconds(150));

            Assert.True(result.ExitCode == 0, result.ToString());
            var elapsed = DateTime.UtcNow - started;
            Assert.True(elapsed < TimeSpan.FromSeconds(40), $"copy {attempt + 1} of {objects.Count} small objects took {elapsed.TotalSeconds:F0} s");
            await _cli.AssertCopiedAsync(objects, destination, key => $"run-{attempt}/{key}");
        }
    }
}
