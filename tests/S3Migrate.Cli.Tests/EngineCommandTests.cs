using System.Text.Json;
using Amazon.S3.Model;

namespace S3Migrate.Cli.Tests;

/// <summary>The commands that need no silo: <c>diff --dry-run</c> counts without writing, <c>cleanup</c> aborts stale uploads.</summary>
public sealed class EngineCommandTests : IAsyncLifetime
{
    private CliHarness _cli = null!;

    public async Task InitializeAsync() => _cli = await CliHarness.StartAsync();

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [Fact]
    public async Task DiffDryRunCountsWhatACopyWouldDoAndWritesNothing()
    {
        var source = await _cli.BucketAsync(_cli.GlobalServer, "src");
        var destination = await _cli.BucketAsync(_cli.ChinaServer, "dst");
        var same = Enumerable.Range(0, 4).ToDictionary(static i => $"same-{i}", static i => CliHarness.Bytes(100 + i, i), StringComparer.Ordinal);
        var missing = Enumerable.Range(0, 3).ToDictionary(static i => $"missing-{i}", static i => CliHarness.Bytes(1000 + i, 10 + i), StringComparer.Ordinal);
        var changed = Enumerable.Range(0, 2).ToDictionary(static i => $"changed-{i}", static i => CliHarness.Bytes(2000 + i, 20 + i), StringComparer.Ordinal);
        await _cli.PutAsync(_cli.GlobalServer, source, same.Concat(missing).Concat(changed).ToDictionary());
        await _cli.PutAsync(_cli.GlobalServer, source, new Dictionary<string, byte[]> { ["scratch.tmp"] = CliHarness.Bytes(50, 30) });
        await _cli.PutAsync(_cli.ChinaServer, destination, same);
        await _cli.PutAsync(_cli.ChinaServer, destination, changed.ToDictionary(static e => e.Key, static e => e.Value[..^1]));
        await _cli.PutAsync(_cli.ChinaServer, destination, new Dictionary<string, byte[]> { ["extra"] = CliHarness.Bytes(70, 40) });
        _cli.ChinaServer.Counters.Reset();

        var result = await _cli.CliAsync("diff", $"s3://{source}/", $"s3://{destination}/", "--from", "global", "--to", "china",
            "--config", _cli.SettingsFile, "--exclude", "*.tmp", "--dry-run", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        long Count(string name) => json.RootElement.GetProperty(name).GetInt64();
        Assert.Equal(
            new { Source = 9L, Missing = 3L, Changed = 2L, Same = 4L, Extra = 1L, Filtered = 1L, ToCopy = 5L },
            new
            {
                Source = Count("sourceObjects"), Missing = Count("missing"), Changed = Count("changed"), Same = Count("same"),
                Extra = Count("extra"), Filtered = Count("filtered"), ToCopy = Count("toCopy"),
            });
        Assert.Equal(missing.Values.Concat(changed.Values).Sum(static d => (long)d.Length), Count("bytesToCopy"));
        Assert.Equal(5, Count("writeRequests"));
        Assert.Empty(CliHarness.Writes(_cli.ChinaServer));
    }

    [Fact]
    public async Task CleanupListsUnfinishedUploadsAndAbortsThemOnlyWithYes()
    {
        var destination = await _cli.BucketAsync(_cli.ChinaServer, "dst");
        var china = _cli.Client(_cli.ChinaServer);
        var stale = (await china.InitiateMultipartUploadAsync(destination, "stale/object.bin")).UploadId;
        await china.UploadPartAsync(new UploadPartRequest
        {
            BucketName = destination, Key = "stale/object.bin", UploadId = stale, PartNumber = 1, InputStream = new MemoryStream(CliHarness.Bytes(1000, 1)),
        });
        await china.InitiateMultipartUploadAsync(destination, "elsewhere/object.bin");
        string[] cleanup = ["cleanup", $"s3://{destination}/stale/", "--to", "china", "--config", _cli.SettingsFile];

        var young = await _cli.CliAsync([.. cleanup, "--older-than", "24", "--yes"]);
        var dryRun = await _cli.CliAsync([.. cleanup, "--older-than", "0"]);
        var uploadsAfterDryRun = await UploadsAsync(destination);
        var aborted = await _cli.CliAsync([.. cleanup, "--older-than", "0", "--yes"]);

        Assert.True(young.ExitCode == 0, young.ToString());
        Assert.Contains("aborted 0 unfinished uploads older than 24 h", young.StandardOutput, StringComparison.Ordinal);
        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Contains($"would abort s3://{destination}/stale/object.bin", dryRun.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("1 unfinished uploads older than 0 h; run again with --yes", dryRun.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(["elsewhere/object.bin", "stale/object.bin"], uploadsAfterDryRun);
        Assert.True(aborted.ExitCode == 0, aborted.ToString());
        Assert.Contains($"aborting s3://{destination}/stale/object.bin", aborted.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(["elsewhere/object.bin"], await UploadsAsync(destination));
    }

    private async Task<IReadOnlyList<string>> UploadsAsync(string bucket) =>
        [.. ((await _cli.Client(_cli.ChinaServer).ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []).Select(static u => u.Key).Order(StringComparer.Ordinal)];
}
