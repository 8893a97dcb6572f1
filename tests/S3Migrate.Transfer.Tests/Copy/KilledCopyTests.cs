using System.Diagnostics;
using System.Globalization;
using S3Migrate.LocalS3.Faults;
using S3Migrate.Testing;

namespace S3Migrate.Transfer.Tests.Copy;

/// <summary>A copying process killed with SIGKILL mid-object is resumed by a fresh process, re-sending no finished part.</summary>
public sealed class KilledCopyTests : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private EngineHarness _engine = null!;
    private string _state = null!;

    public async Task InitializeAsync()
    {
        _engine = await EngineHarness.StartAsync();
        _state = Directory.CreateTempSubdirectory("engine-state-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        Directory.Delete(_state, recursive: true);
    }

    [Fact]
    public async Task CopyKilledMidObjectResumesAndSendsNoPartTwice()
    {
        var (source, destination) = await _engine.BucketsAsync();
        var data = new byte[48 * MiB];
        new Random(5).NextBytes(data);
        await _engine.PutSourceAsync(source, "killed/object.bin", data);

        // A slow link, so the copy is surely in the middle when it is killed.
        _engine.DestinationServer.Faults.Apply(new FaultSettings { BandwidthTotal = 8L * MiB });
        var enoughParts = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var partsDone = 0;
        void Count(RequestRecord r)
        {
            if (r is { Operation: "UploadPart", Status: 200 } && Interlocked.Increment(ref partsDone) == 2)
            {
                enoughParts.TrySetResult();
            }
        }

        _engine.DestinationServer.Counters.RequestCompleted += Count;
        try
        {
            using var first = ExternalProcess.Start("dotnet", Arguments(source, destination));
            var exited = first.WaitForExitAsync();
            var winner = await Task.WhenAny(enoughParts.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
            if (winner != enoughParts.Task)
            {
                Assert.Fail("the copy ended or stalled before it could be killed: " + await first.StandardError.ReadToEndAsync());
            }

            first.Kill();
            await exited;
        }
        finally
        {
            _engine.DestinationServer.Counters.RequestCompleted -= Count;
        }

        _engine.DestinationServer.Faults.Clear();

        // A part whose body had fully arrived when the process died is still stored by the server; on a busy machine
        // that can take a moment. The resume must find it, so wait until the server has settled.
        var settled = -1;
        for (var wait = 0; wait < 50; wait++)
        {
            var now = _engine.DestinationServer.Counters.Requests("UploadPart");
            if (now == settled)
            {
                break;
            }

            settled = (int)now;
            await Task.Delay(200);
        }

        var uploadedBeforeKill = _engine.DestinationServer.Counters.Journal(r => r is { Operation: "UploadPart", Status: 200 }).Count;

        var second = await ExternalProcess.RunAsync("dotnet", Arguments(source, destination));

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.StartsWith("Verified", second.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(data, await _engine.GetDestinationAsync(destination, "killed/object.bin"));
        var accepted = _engine.DestinationServer.Counters.Journal(r => r is { Operation: "UploadPart", Status: 200 });
        Assert.True(accepted.Select(static r => r.PartNumber!.Value).Order().SequenceEqual(Enumerable.Range(1, 6)),
            $"parts accepted: {string.Join(',', accepted.Select(static r => r.PartNumber))}; second run: {second}; state: {string.Join(';', Directory.GetFiles(_state).Select(File.ReadAllText))}");
        Assert.InRange(uploadedBeforeKill, 2, 5);
        Assert.Contains($"reused={uploadedBeforeKill}", second.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>The test-host program, built next to this test project in the same configuration.</summary>
    private static string TestHostPath() =>
        Path.Combine(AppContext.BaseDirectory.Replace("S3Migrate.Transfer.Tests", "S3Migrate.TestHosts", StringComparison.Ordinal), "S3Migrate.TestHosts.dll");

    private string[] Arguments(string source, string destination)
    {
        var src = _engine.SourceServer;
        var dst = _engine.DestinationServer;
        return
        [
            TestHostPath(), "copy",
            src.ServiceUrl.AbsoluteUri, src.Options.Region, src.Options.AccessKeys[0].AccessKeyId, src.Options.AccessKeys[0].SecretAccessKey,
            dst.ServiceUrl.AbsoluteUri, dst.Options.Region, dst.Options.AccessKeys[0].AccessKeyId, dst.Options.AccessKeys[0].SecretAccessKey,
            source, "killed/object.bin", destination, _state, (8 * MiB).ToString(CultureInfo.InvariantCulture),
        ];
    }
}
