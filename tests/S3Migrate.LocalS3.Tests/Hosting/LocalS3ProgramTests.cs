using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.Runtime;
using Amazon.S3;
using S3Migrate.LocalS3.Faults;
using S3Migrate.LocalS3.Hosting;
using S3Migrate.Testing;

namespace S3Migrate.LocalS3.Tests.Hosting;

/// <summary>LocalS3 run as a program, the way the demo and the benchmarks run it, controlled through its admin API.</summary>
public sealed class LocalS3ProgramTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    [Fact]
    public async Task ProgramServesEndpointsAndAcceptsTestControlsThenStopsOnSigterm()
    {
        var port = LoopbackPort.FindFree();
        var adminPort = LoopbackPort.FindFree();
        using var process = ExternalProcess.Start("dotnet",
        [
            Path.Combine(AppContext.BaseDirectory, "S3Migrate.LocalS3.dll"),
            "--endpoint", $"global=127.0.0.1:{port},PROGRAMKEY,PROGRAMSECRET",
            "--admin", $"127.0.0.1:{adminPort}",
            "--bucket", "global:demo-bucket",
        ]);
        try
        {
            await WaitForReadyAsync(process);
            using var s3 = new AmazonS3Client(new BasicAWSCredentials("PROGRAMKEY", "PROGRAMSECRET"), new AmazonS3Config
            {
                ServiceURL = $"http://127.0.0.1:{port}",
                ForcePathStyle = true,
                AuthenticationRegion = "us-east-1",
                MaxErrorRetry = 0,
            });
            using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };

            await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = "demo-bucket", Key = "k", ContentBody = "hello" });
            using (var put = await admin.PutAsJsonAsync("/endpoints/global/faults",
                new FaultSettings { Rules = [new FaultRule { Kind = FaultKind.SlowDown, Operation = "GetObject" }] }, Json))
            {
                Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
            }

            var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync("demo-bucket", "k"));
            Assert.Equal("SlowDown", error.ErrorCode);

            // Counted before the client had the answer: no need to wait.
            using var counted = JsonDocument.Parse(await admin.GetStringAsync(new Uri("/endpoints/global/counters", UriKind.Relative)));
            var operations = counted.RootElement.GetProperty("operations");
            Assert.Equal(1, operations.GetProperty("PutObject").GetProperty("requests").GetInt64());
            Assert.Equal(1, operations.GetProperty("GetObject").GetProperty("faults").GetInt64());
            using var unknown = await admin.GetAsync(new Uri("/endpoints/nope/counters", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

            Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await process.WaitForExitAsync(exit.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Theory]
    [InlineData("--endpoint", "global=127.0.0.1:9000,KEY", "expected NAME=HOST:PORT,ACCESS_KEY,SECRET_KEY")]
    [InlineData("--endpoint", "global=example.com:9000,KEY,SECRET", "'example.com' is not an IP address or localhost")]
    [InlineData("--endpoint", "global=127.0.0.1:notaport,KEY,SECRET", "is not HOST:PORT")]
    [InlineData("--min-part-size", "five", "'five' is not a size")]
    [InlineData("--frobnicate", "x", "Unknown option '--frobnicate'")]
    public void MalformedArgumentsAreOneLineErrorsThatNeverEchoSecrets(string option, string value, string expected)
    {
        var error = Assert.Throws<FormatException>(() => LocalS3CommandLine.Parse(["--endpoint", "ok=127.0.0.1:1,A,TOPSECRET", option, value]));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain("TOPSECRET", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EndpointsGetTheirOwnKeysRegionsAndDataDirectories()
    {
        var parsed = LocalS3CommandLine.Parse(
        [
            "--endpoint", "global=127.0.0.1:9000,KEY1,SECRET1",
            "--endpoint", "china=127.0.0.1:9001,KEY2,SECRET2,region=cn-north-1,https",
            "--data-dir", "/data", "--min-part-size", "64KiB",
        ]);

        var china = parsed.Server.Endpoints[1];
        Assert.Equal("KEY2", china.AccessKeys[0].AccessKeyId);
        Assert.Equal("cn-north-1", china.Region);
        Assert.True(china.Https);
        Assert.Equal(Path.Combine("/data", "china"), china.DataDirectory);
        Assert.Equal(64 * 1024, china.MinPartSize);
        Assert.Equal(Path.Combine("/data", "tls"), parsed.Server.CertificateDirectory);
    }

    [Fact]
    public async Task ProgramRejectsBadArgumentsWithExitCodeOne()
    {
        var result = await ExternalProcess.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "S3Migrate.LocalS3.dll"), "--endpoint", "broken"]);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("localS3: --endpoint 'broken'", result.StandardError, StringComparison.Ordinal);
        Assert.Single(result.StandardError.Trim().Split('\n'));
    }

    private static async Task WaitForReadyAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line == "localS3: ready")
            {
                return;
            }
        }

        throw new InvalidOperationException("LocalS3 exited before it was ready: " + await process.StandardError.ReadToEndAsync(timeout.Token));
    }
}
