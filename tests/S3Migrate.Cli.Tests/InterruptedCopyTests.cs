using S3Migrate.LocalS3.Faults;
using S3Migrate.Testing;

namespace S3Migrate.Cli.Tests;

/// <summary>
/// A copy stopped in the middle of large objects — Ctrl+C, or kill -9 — and run again: the second run finishes the job
/// from the parts already at the destination, and sends again at most the parts that were in flight.
/// </summary>
public sealed class InterruptedCopyTests : IAsyncLifetime
{
    private const int MiB = CliHarness.MiB;
    private const int MaxParallelFile = 2;
    private const int MaxThread = 2;

    private CliHarness _cli = null!;

    public async Task InitializeAsync() => _cli = await CliHarness.StartAsync();

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [Fact]
    public async Task CopyInterruptedWithCtrlCResumesOnTheNextRunSendingNoFinishedPartAgain()
    {
        var (source, destination, objects) = await ArrangeAsync();
        string[] copy = Copy(source, destination);

        using (var first = await StartSlowCopyAsync(copy))
        {
            Assert.False(Programs.IgnoresSigInt(first.Process),
                "the copy ignores SIGINT: the tests were started from a shell's background job; run them in the foreground");
            await Programs.SignalAsync(first.Process, "INT");
            var interrupted = await first.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.True(interrupted is not null, "the copy did not stop within 60 s of Ctrl+C:\n" + first);
            Assert.True(interrupted.ExitCode == 130, interrupted.ToString());
            Assert.Contains("run the same command again to resume", interrupted.StandardError, StringComparison.Ordinal);
        }

        await ResumeAndVerifyAsync(copy, destination, objects);
    }

    [Fact]
    public async Task CopyKilledWithSigKillResumesOnTheNextRun()
    {
        var (source, destination, objects) = await ArrangeAsync();
        string[] copy = Copy(source, destination);

        using (var first = await StartSlowCopyAsync(copy))
        {
            await Programs.SignalAsync(first.Process, "KILL");
            var killed = await first.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(killed is { ExitCode: 137 }, "kill -9 did not end the copy:\n" + first);
        }

        await ResumeAndVerifyAsync(copy, destination, objects);
    }

    private async Task<(string Source, string Destination, Dictionary<string, byte[]> Objects)> ArrangeAsync()
    {
        var source = await _cli.BucketAsync(_cli.GlobalServer, "src");
        var destination = await _cli.BucketAsync(_cli.ChinaServer, "dst");
        var objects = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["big/one.bin"] = CliHarness.Bytes(20 * MiB, 1),
            ["big/two + ü.bin"] = CliHarness.Bytes((18 * MiB) + 5, 2),
            ["big/three.bin"] = CliHarness.Bytes(16 * MiB, 3),
        };
        for (var i = 0; i < 10; i++)
        {
            objects[$"small/{i}.txt"] = CliHarness.Bytes(1000 + i, 100 + i);
        }

        await _cli.PutAsync(_cli.GlobalServer, source, objects);
        return (source, destination, objects);
    }

    private string[] Copy(string source, string destination) => _cli.Copy($"s3://{source}/", $"s3://{destination}/", "--json",
        "--part-size", "5MiB", "--resumable-threshold", "5MiB",
        "--max-parallel-file", CliHarness.Number(MaxParallelFile), "--max-thread", CliHarness.Number(MaxThread));

    /// <summary>Starts the copy over a slow link and returns once some parts have arrived, so it is surely mid-object.</summary>
    private async Task<RunningProcess> StartSlowCopyAsync(string[] copy)
    {
        _cli.ChinaServer.Faults.Apply(new FaultSettings { BandwidthTotal = 8L * MiB });
        var partsArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var parts = 0;
        void Count(RequestRecord r)
        {
            // After the first stored part: no object (four parts, two in flight) can then finish while the copy drains.
            if (r is { Operation: "UploadPart", Status: 200 } && Interlocked.Increment(ref parts) >= 1)
            {
                partsArrived.TrySetResult();
            }
        }

        _cli.ChinaServer.Counters.RequestCompleted += Count;
        var process = _cli.StartCli(copy);
        try
        {
            var winner = await Task.WhenAny(partsArrived.Task, process.Process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
            Assert.True(winner == partsArrived.Task, "the copy ended or stalled before any part arrived:\n" + process);
            return process;
        }
        catch
        {
            process.Dispose();
            throw;
        }
        finally
        {
            _cli.ChinaServer.Counters.RequestCompleted -= Count;
        }
    }

    private async Task ResumeAndVerifyAsync(string[] copy, string destination, Dictionary<string, byte[]> objects)
    {
        _cli.ChinaServer.Faults.Clear();
        var partsBefore = _cli.ChinaServer.Counters.Journal(static r => r is { Operation: "UploadPart", Status: 200 }).Count;
        var unfinished = objects.Values.Sum(static d => (d.Length + (5L * MiB) - 1) / (5 * MiB)) - partsBefore;
        Assert.True(unfinished > 0, "the first run finished every part before it was stopped");

        var again = await _cli.CliAsync(copy);

        Assert.True(again.ExitCode == 0, again.ToString());
        var report = CopyReport.Parse(again);
        Assert.Equal("Completed", report.State);
        Assert.True(report.Counters.PartsReused > 0, again.ToString());
        await _cli.AssertCopiedAsync(objects, destination, static key => key);

        // Across both runs, a part stored twice is one that was in flight when the first run stopped.
        var sentTwice = _cli.ChinaServer.Counters.Journal(static r => r is { Operation: "UploadPart", Status: 200 })
            .GroupBy(static r => (r.Key, r.PartNumber))
            .Sum(static g => g.Count() - 1);
        Assert.True(sentTwice <= MaxParallelFile * MaxThread,
            $"{sentTwice} parts were stored twice; at most {MaxParallelFile * MaxThread} could have been in flight. {again}");
    }
}
