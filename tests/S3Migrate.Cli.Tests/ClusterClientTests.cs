using System.Text.Json;
using S3Migrate.Testing;

namespace S3Migrate.Cli.Tests;

/// <summary>
/// The console as an Orleans client of a running silo process: submit, watch, status, list, and the silo's graceful
/// shutdown on SIGTERM.
/// </summary>
public sealed class ClusterClientTests : IAsyncLifetime
{
    private CliHarness _cli = null!;

    public async Task InitializeAsync() => _cli = await CliHarness.StartAsync();

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [Fact]
    public async Task MigrationSubmittedToASiloIsWatchedToItsEndAndListed()
    {
        var source = await _cli.BucketAsync(_cli.GlobalServer, "src");
        var destination = await _cli.BucketAsync(_cli.ChinaServer, "dst");
        var objects = Enumerable.Range(0, 40).ToDictionary(static i => $"data/{i:D2} +%.txt", static i => CliHarness.Bytes(i * 100, i), StringComparer.Ordinal);
        objects["data/large.bin"] = CliHarness.Bytes(3 * CliHarness.MiB, 99);
        await _cli.PutAsync(_cli.GlobalServer, source, objects);
        _cli.GlobalServer.Counters.Reset();
        using var silo = await SiloProcess.StartAsync(_cli);
        string[] gateway = ["--gateway", silo.Gateway];
        const string Id = "cli-submitted";

        var submitted = await _cli.CliAsync(["submit", $"s3://{source}/data/", $"s3://{destination}/copy/", "--from", "global", "--to", "china", "--id", Id, .. gateway, "--json"]);
        var watched = await _cli.CliAsync(["watch", Id, .. gateway, "--json"]);
        var status = await _cli.CliAsync(["status", Id, .. gateway, "--json"]);
        var list = await _cli.CliAsync(["list", .. gateway, "--json"]);
        var unknown = await _cli.CliAsync(["status", "nope", .. gateway]);

        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        Assert.Equal(Id, Json(submitted).GetProperty("id").GetString());
        Assert.True(watched.ExitCode == 0, watched.ToString());
        var report = CopyReport.Parse(watched);
        Assert.Equal(("Completed", objects.Count), (report.State, (int)report.Counters.ObjectsDone));
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Equal("Completed", Json(status).GetProperty("state").GetString());
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(Id, Json(list).EnumerateArray().Select(static m => m.GetProperty("id").GetString()));
        CliAssert.OneClearLine(unknown, "'nope'");
        await _cli.AssertCopiedAsync(objects, destination, static key => "copy/" + key["data/".Length..]);
        Assert.Empty(CliHarness.Writes(_cli.GlobalServer));

        // Graceful shutdown: SIGTERM, nothing in flight, a clean exit.
        await Programs.SignalAsync(silo.Process.Process, "TERM");
        var stopped = await silo.Process.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(stopped is not null, "the silo did not stop within 30 s of SIGTERM:\n" + silo.Process);
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
    }

    [Fact]
    public async Task TheSiloServesHealthMetricsAndOnRequestTheDashboard()
    {
        var port = LoopbackPort.FindFree();
        using var silo = await SiloProcess.StartAsync(_cli, new Dictionary<string, string?>
        {
            ["S3Migrate__Metrics__PrometheusPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["S3Migrate__Metrics__ListenAddress"] = "127.0.0.1",
            ["S3Migrate__Metrics__Dashboard"] = "true",
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };

        // The web server starts after the silo (whose gateway SiloProcess waited for).
        HttpResponseMessage? health = null;
        for (var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30); health is null && DateTime.UtcNow < deadline;)
        {
            try
            {
                health = await http.GetAsync(new Uri("health", UriKind.Relative));
            }
            catch (HttpRequestException)
            {
                await Task.Delay(250);
            }
        }

        Assert.NotNull(health);
        var dashboard = await http.GetAsync(new Uri("dashboard/", UriKind.Relative));
        var page = await dashboard.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        Assert.True(dashboard.IsSuccessStatusCode, $"{dashboard.StatusCode}: {page}");
        Assert.Contains("<html", page, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ADashboardWithoutAMetricsPortIsRefusedNamingBothSettings()
    {
        var environment = new Dictionary<string, string?>(_cli.Environment) { ["S3Migrate__Metrics__Dashboard"] = "true" };
        using var silo = Programs.Start(Programs.Silo, [], environment, _cli.WorkDirectory);
        var ended = await silo.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(ended is not null, "the silo did not refuse its settings:\n" + silo);
        Assert.Equal(1, ended.ExitCode);
        Assert.Contains("S3Migrate:Metrics:Dashboard needs S3Migrate:Metrics:PrometheusPort", ended.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GatewayThatDoesNotAnswerIsNamed()
    {
        var gateway = $"127.0.0.1:{LoopbackPort.FindFree()}";

        var result = await _cli.CliAsync("status", "some-id", "--gateway", gateway, "--connect-timeout", "5");

        CliAssert.OneClearLine(result, gateway);
    }

    private static JsonElement Json(ProcessResult result)
    {
        try
        {
            using var document = JsonDocument.Parse(result.StandardOutput);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            Assert.Fail($"standard output is not JSON ({e.Message}):\n{result}");
            throw;
        }
    }
}
