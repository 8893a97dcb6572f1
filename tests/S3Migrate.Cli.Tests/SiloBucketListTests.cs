using System.Text.Json;
using S3Migrate.Testing;

namespace S3Migrate.Cli.Tests;

/// <summary>
/// A silo that takes its migrations from a bucket list in SSM Parameter Store, as the original tool's workers did:
/// every entry is copied, and an entry added to the parameter later is picked up without a restart.
/// </summary>
public sealed class SiloBucketListTests : IAsyncLifetime
{
    private const string Parameter = "s3_migration_bucket_para";
    private static readonly TimeSpan CopyTimeout = TimeSpan.FromSeconds(90);

    private CliHarness _cli = null!;
    private SsmStandIn _ssm = null!;

    public async Task InitializeAsync()
    {
        _cli = await CliHarness.StartAsync();
        _ssm = await SsmStandIn.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _ssm.DisposeAsync();
        await _cli.DisposeAsync();
    }

    [Fact]
    public async Task SiloCopiesEveryEntryAndPicksUpAnEntryAddedLater()
    {
        var source = await _cli.BucketAsync(_cli.GlobalServer, "src");
        var destination = await _cli.BucketAsync(_cli.ChinaServer, "dst");
        var logs = Objects("logs/", 6);
        var images = Objects("images/", 4);
        await _cli.PutAsync(_cli.GlobalServer, source, logs);
        await _cli.PutAsync(_cli.GlobalServer, source, images);
        _cli.GlobalServer.Counters.Reset();
        _ssm.SetParameter(Parameter, BucketList((source, "logs", destination, "copy")), "String");

        using var silo = await SiloProcess.StartAsync(_cli, new Dictionary<string, string?>
        {
            ["S3Migrate__Migrations__ParameterName"] = Parameter,
            ["S3Migrate__Migrations__ParameterServiceUrl"] = _ssm.ServiceUrl.AbsoluteUri,
            ["S3Migrate__Migrations__PollInterval"] = "00:00:01",
            ["S3Migrate__Migrations__SourceEndpoint"] = LocalS3Harness.GlobalName,
            ["S3Migrate__Migrations__DestinationEndpoint"] = LocalS3Harness.ChinaName,

            // The SSM client signs with the default chain: the stand-in accepts any key.
            ["AWS_ACCESS_KEY_ID"] = "AKIASSMSTANDIN000001",
            ["AWS_SECRET_ACCESS_KEY"] = "ssm-stand-in-secret",
            ["AWS_REGION"] = "us-east-1",
        });

        await WaitForKeysAsync(destination, logs.Count, silo);
        await _cli.AssertCopiedAsync(logs, destination, static key => "copy/" + key);

        // A second entry, added while the silo runs.
        _ssm.SetParameter(Parameter, BucketList((source, "logs", destination, "copy"), (source, "images", destination, "copy")), "String");
        await WaitForKeysAsync(destination, logs.Count + images.Count, silo);
        await _cli.AssertCopiedAsync(images, destination, static key => "copy/" + key);
        Assert.True(_ssm.GetParameterCalls(Parameter) >= 2, "the silo read the bucket list only once");

        // Nothing but the listed prefixes arrived, and the source was only read.
        Assert.All(await _cli.KeysAsync(_cli.ChinaServer, destination), static key => Assert.StartsWith("copy/", key, StringComparison.Ordinal));
        Assert.Empty(CliHarness.Writes(_cli.GlobalServer));
    }

    private async Task WaitForKeysAsync(string destination, int count, SiloProcess silo)
    {
        var deadline = DateTime.UtcNow + CopyTimeout;
        while ((await _cli.KeysAsync(_cli.ChinaServer, destination)).Count < count)
        {
            Assert.False(silo.Process.Process.HasExited, "the silo exited:\n" + silo.Process);
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {count} objects arrived within {CopyTimeout.TotalSeconds:F0} s:\n{silo.Process}");
            await Task.Delay(250);
        }
    }

    private static string BucketList(params (string Source, string Prefix, string Destination, string DestinationPrefix)[] entries) =>
        JsonSerializer.Serialize(entries.Select(static e => new Dictionary<string, string>
        {
            ["src_bucket"] = e.Source,
            ["src_prefix"] = e.Prefix,
            ["des_bucket"] = e.Destination,
            ["des_prefix"] = e.DestinationPrefix,
        }));

    private static Dictionary<string, byte[]> Objects(string prefix, int count) =>
        Enumerable.Range(0, count).ToDictionary(i => $"{prefix}{i:D2}.txt", i => CliHarness.Bytes(200 + i, prefix.Length + i), StringComparer.Ordinal);
}
