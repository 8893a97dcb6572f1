using S3Migrate.Testing;

namespace S3Migrate.Cli.Tests;

/// <summary>
/// Input the console cannot work with ends with exit code 1 and exactly one line on standard error, starting with
/// "s3migrate:" and naming what is wrong — the endpoint, bucket, URL, option or file — before any object is copied.
/// </summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private CliHarness _cli = null!;
    private string _source = null!;
    private string _destination = null!;

    public async Task InitializeAsync()
    {
        _cli = await CliHarness.StartAsync();
        _source = await _cli.BucketAsync(_cli.GlobalServer, "src");
        _destination = await _cli.BucketAsync(_cli.ChinaServer, "dst");
        await _cli.PutAsync(_cli.GlobalServer, _source, new Dictionary<string, byte[]> { ["object.txt"] = CliHarness.Bytes(10, 1) });
    }

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [Theory]
    [InlineData(LocalS3Harness.GlobalName)]
    [InlineData(LocalS3Harness.ChinaName)]
    public async Task WrongSecretKeyNamesTheEndpoint(string endpoint)
    {
        var settings = _cli.Settings();
        var server = endpoint == LocalS3Harness.GlobalName ? _cli.GlobalServer : _cli.ChinaServer;
        settings["Endpoints"]![endpoint] = CliHarness.EndpointSettings(server, secretAccessKey: "not-the-secret");
        var file = _cli.WriteSettings("wrong-secret.json", settings);

        var result = await _cli.CliAsync(Copy().Select(a => a == _cli.SettingsFile ? file : a));

        CliAssert.OneClearLine(result, $"'{endpoint}'", "secret");
        Assert.Empty(await _cli.KeysAsync(_cli.ChinaServer, _destination));
    }

    [Fact]
    public async Task MissingBucketIsNamed()
    {
        var result = await _cli.CliAsync(_cli.Copy($"s3://{_source}/", "s3://no-such-bucket-here/data/", "--no-progress"));

        CliAssert.OneClearLine(result, "'no-such-bucket-here'", "does not exist");
    }

    [Fact]
    public async Task MalformedUrlIsNamed()
    {
        var result = await _cli.CliAsync(_cli.Copy("s3:/x", $"s3://{_destination}/", "--no-progress"));

        CliAssert.OneClearLine(result, "'s3:/x'");
    }

    [Fact]
    public async Task UnreachableEndpointIsNamed()
    {
        var deadPort = LoopbackPort.FindFree();
        var environment = new Dictionary<string, string?>(_cli.Environment)
        {
            ["S3MIGRATE_TO_ACCESS_KEY_ID"] = _cli.ChinaServer.Options.AccessKeys[0].AccessKeyId,
            ["S3MIGRATE_TO_SECRET_ACCESS_KEY"] = _cli.ChinaServer.Options.AccessKeys[0].SecretAccessKey,
        };
        string[] arguments =
        [
            "copy", $"s3://{_source}/", $"s3://{_destination}/", "--from", LocalS3Harness.GlobalName, "--config", _cli.SettingsFile,
            "--to", $"http://127.0.0.1:{deadPort}", "--to-region", LocalS3Harness.ChinaRegion, "--to-credentials", "keys",
            "--state-dir", _cli.StateDirectory, "--no-progress",
        ];

        var result = await Programs.RunAsync(Programs.Cli, arguments, environment, _cli.WorkDirectory);

        CliAssert.OneClearLine(result, $"127.0.0.1:{deadPort}", "unreachable");
    }

    [Fact]
    public async Task UnknownOptionIsNamed()
    {
        var result = await _cli.CliAsync(Copy("--frobnicate"));

        CliAssert.OneClearLine(result, "'--frobnicate'");
    }

    [Fact]
    public async Task MissingSourceEndpointIsNamed()
    {
        // No --from, and (as in every test) no AWS_REGION to fall back on.
        var result = await _cli.CliAsync("copy", $"s3://{_source}/", $"s3://{_destination}/", "--to", LocalS3Harness.ChinaName,
            "--config", _cli.SettingsFile, "--state-dir", _cli.StateDirectory, "--no-progress");

        CliAssert.OneClearLine(result, "--from");
    }

    [Fact]
    public async Task MalformedBucketListNamesTheFileAndTheEntry()
    {
        var list = _cli.WriteFile("buckets.json", $$"""[{"src_bucket": "{{_source}}", "src_prefix": "", "des_bucket": "{{_destination}}"}, {"src_bucket": "{{_source}}", "src_prefix": 5}]""");

        var result = await _cli.CliAsync("copy", "--bucket-list", list, "--from", LocalS3Harness.GlobalName, "--to", LocalS3Harness.ChinaName,
            "--config", _cli.SettingsFile, "--state-dir", _cli.StateDirectory, "--no-progress");

        CliAssert.OneClearLine(result, "buckets.json", "entry 1", "src_prefix");
    }

    private string[] Copy(params string[] options) => [.. _cli.Copy($"s3://{_source}/", $"s3://{_destination}/", "--no-progress"), .. options];
}
