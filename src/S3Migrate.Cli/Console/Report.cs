using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using S3Migrate.Abstractions;
using Spectre.Console;

namespace S3Migrate.Cli.Console;

/// <summary>The end of a run: a summary table (or JSON), the failures with reasons, and the exit code.</summary>
internal static class Report
{
    /// <summary>Failures printed on the terminal; all of them go to a file when there are more.</summary>
    public const int FailuresShown = 20;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static int ExitCode(MigrationStatus status) => status.State switch
    {
        MigrationState.Completed => ExitCodes.Success,
        MigrationState.CompletedWithFailures => ExitCodes.SomeFailed,
        _ => ExitCodes.CouldNotRun,
    };

    public static void WriteJson(MigrationStatus status, IReadOnlyList<ObjectFailure> failures, int exitCode)
    {
        var document = new
        {
            status.Id,
            status.State,
            status.Error,
            status.Counters,
            status.CreatedAt,
            status.FinishedAt,
            ElapsedSeconds = Elapsed(status).TotalSeconds,
            Failures = failures.Select(static f => new { Source = $"s3://{f.SourceBucket}/{f.SourceKey}", Destination = $"s3://{f.DestinationBucket}/{f.DestinationKey}", f.Reason }),
            ExitCode = exitCode,
        };
        System.Console.Out.WriteLine(JsonSerializer.Serialize(document, Json));
    }

    public static void WriteSummary(MigrationStatus status, IReadOnlyList<ObjectFailure> failures)
    {
        var c = status.Counters;
        var elapsed = Elapsed(status);
        var table = new Table().Border(TableBorder.Rounded).Title($"migration {Markup.Escape(status.Id)}: {Describe(status.State)}");
        table.AddColumn("");
        table.AddColumn(new TableColumn("objects").RightAligned());
        table.AddColumn(new TableColumn("bytes").RightAligned());
        table.AddRow("copied and verified", N(c.ObjectsDone), Sizes.Format(c.BytesDone));
        table.AddRow("already identical", N(c.ObjectsSkipped), Sizes.Format(c.BytesSkipped));
        table.AddRow("failed", c.ObjectsFailed > 0 ? $"[red]{N(c.ObjectsFailed)}[/]" : "0", "");
        if (c.ObjectsDeleted > 0)
        {
            table.AddRow("deleted at the destination", N(c.ObjectsDeleted), "");
        }

        table.AddRow("sent (resumed parts not re-sent)", "", Sizes.Format(c.BytesTransferred));
        if (c.PartsReused > 0)
        {
            table.AddRow("parts reused from an earlier run", N(c.PartsReused), "");
        }

        if (c.SourceChanges > 0)
        {
            table.AddRow("restarted: source changed meanwhile", N(c.SourceChanges), "");
        }

        table.AddRow("elapsed", Sizes.Duration(elapsed), elapsed.TotalSeconds > 0 ? Sizes.Rate(c.BytesTransferred / elapsed.TotalSeconds) : "");
        AnsiConsole.Write(table);

        if (status.State == MigrationState.Completed)
        {
            AnsiConsole.MarkupLine("[green]verified:[/] every object was checked after upload (size and MD5/ETag), and a final diff found nothing left to copy.");
        }

        if (status.Error is { } error)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(error)}");
        }

        WriteFailures(status, failures);
    }

    /// <summary>The failures with reasons; beyond <see cref="FailuresShown"/>, all go to a file named in the output.</summary>
    public static void WriteFailures(MigrationStatus status, IReadOnlyList<ObjectFailure> failures)
    {
        if (failures.Count == 0)
        {
            return;
        }

        System.Console.Error.WriteLine($"failed objects ({status.Counters.ObjectsFailed}):");
        foreach (var failure in failures.Take(FailuresShown))
        {
            System.Console.Error.WriteLine($"  s3://{failure.SourceBucket}/{failure.SourceKey}: {failure.Reason}");
        }

        if (failures.Count > FailuresShown)
        {
            var file = Path.GetFullPath($"s3migrate-failures-{status.Id}.txt");
            File.WriteAllLines(file, failures.Select(static f => $"s3://{f.SourceBucket}/{f.SourceKey}\t{f.Reason}"));
            System.Console.Error.WriteLine($"  … and {failures.Count - FailuresShown} more, all listed in {file}");
        }
    }

    public static string Describe(MigrationState state) => state switch
    {
        MigrationState.Completed => "completed",
        MigrationState.CompletedWithFailures => "completed with failures",
        _ => state.ToString().ToLowerInvariant(),
    };

    private static TimeSpan Elapsed(MigrationStatus status) =>
        status.StartedAt is { } start ? (status.FinishedAt ?? DateTimeOffset.UtcNow) - start : TimeSpan.Zero;

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
