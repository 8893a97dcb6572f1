using System.Globalization;
using S3Migrate.Abstractions;
using Spectre.Console;

namespace S3Migrate.Cli.Console;

/// <summary>How progress is shown: live bars on a terminal, a line every few seconds otherwise, nothing for --json.</summary>
internal enum ProgressMode
{
    Live,
    Lines,
    None,
}

/// <summary>
/// Follows a migration until it finishes (or the token is cancelled): an overall bar with bytes, objects, throughput
/// and ETA, plus one bar per large object in flight.
/// </summary>
internal static class ProgressView
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(2);

    public static ProgressMode ModeFor(bool json, bool noProgress) =>
        json ? ProgressMode.None
        : noProgress || System.Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive ? ProgressMode.Lines
        : ProgressMode.Live;

    public static async Task<MigrationStatus> FollowAsync(Func<Task<MigrationStatus>> poll, ProgressMode mode, CancellationToken cancellationToken)
    {
        var status = await poll();
        switch (mode)
        {
            case ProgressMode.Live:
                await AnsiConsole.Progress()
                    .AutoClear(false)
                    .HideCompleted(true)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                        new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                    .StartAsync(async context =>
                    {
                        var overall = context.AddTask("starting", maxValue: 1);
                        var objects = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                        while (!status.State.IsFinished() && !cancellationToken.IsCancellationRequested)
                        {
                            Update(context, overall, objects, status);
                            await Delay(cancellationToken);
                            status = await poll();
                        }

                        Update(context, overall, objects, status);
                        overall.StopTask();
                    });
                break;
            case ProgressMode.Lines:
                var lastLine = DateTimeOffset.MinValue;
                while (!status.State.IsFinished() && !cancellationToken.IsCancellationRequested)
                {
                    if (DateTimeOffset.UtcNow - lastLine >= LineInterval)
                    {
                        System.Console.Error.WriteLine(Line(status));
                        lastLine = DateTimeOffset.UtcNow;
                    }

                    await Delay(cancellationToken);
                    status = await poll();
                }

                System.Console.Error.WriteLine(Line(status));
                break;
            default:
                while (!status.State.IsFinished() && !cancellationToken.IsCancellationRequested)
                {
                    await Delay(cancellationToken);
                    status = await poll();
                }

                break;
        }

        return status;
    }

    /// <summary>One progress line: "diffing | 120/5,000 objects | 1.2 GiB/3.4 GiB | 85.3 MB/s | ETA 26s".</summary>
    public static string Line(MigrationStatus status)
    {
        var c = status.Counters;
        var done = c.BytesDone + InFlightBytes(status);
        var settled = c.ObjectsDone + c.ObjectsFailed + c.ObjectsDeleted;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{status.State.ToString().ToLowerInvariant()} | {settled:N0}/{c.ObjectsDiscovered:N0} objects | {Sizes.Format(done)}/{Sizes.Format(c.BytesDiscovered)}");
        if (c.ObjectsSkipped > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" | {c.ObjectsSkipped:N0} already there");
        }

        if (c.ObjectsFailed > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" | {c.ObjectsFailed:N0} failed");
        }

        if (status.Throughput > 0)
        {
            text += " | " + Sizes.Rate(status.Throughput);
            var remaining = c.BytesDiscovered - done;
            if (remaining > 0 && status.State == MigrationState.Running)
            {
                text += " | ETA " + Sizes.Duration(TimeSpan.FromSeconds(remaining / status.Throughput));
            }
        }

        return text;
    }

    private static long InFlightBytes(MigrationStatus status) => status.InFlight.Sum(static o => o.BytesDone);

    private static void Update(ProgressContext context, ProgressTask overall, Dictionary<string, ProgressTask> objects, MigrationStatus status)
    {
        var c = status.Counters;
        var settled = c.ObjectsDone + c.ObjectsFailed + c.ObjectsDeleted;
        var failed = c.ObjectsFailed > 0 ? $" [red]{c.ObjectsFailed:N0} failed[/]" : string.Empty;
        overall.Description = string.Create(CultureInfo.InvariantCulture, $"{status.State.ToString().ToLowerInvariant()}: {settled:N0}/{c.ObjectsDiscovered:N0} objects{failed}");
        var done = c.BytesDone + InFlightBytes(status);
        overall.MaxValue = Math.Max(1, Math.Max(c.BytesDiscovered, done));
        overall.Value = done;

        var current = status.InFlight.ToDictionary(static o => o.DestinationId, StringComparer.Ordinal);
        foreach (var (id, item) in current)
        {
            if (!objects.TryGetValue(id, out var task))
            {
                task = context.AddTask("  " + Markup.Escape(Shorten(id)), maxValue: Math.Max(1, item.Size));
                objects[id] = task;
            }

            task.MaxValue = Math.Max(1, Math.Max(item.Size, item.BytesDone));
            task.Value = item.BytesDone;
        }

        foreach (var id in objects.Keys.Where(id => !current.ContainsKey(id)).ToList())
        {
            objects[id].Value = objects[id].MaxValue;
            objects[id].StopTask();
            objects.Remove(id);
        }
    }

    private static string Shorten(string text) => text.Length <= 48 ? text : "…" + text[^47..];

    private static async Task Delay(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(PollInterval, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
