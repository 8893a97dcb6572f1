using System.Text.Json;
using S3Migrate.Testing;

namespace S3Migrate.Cli.Tests;

/// <summary>What <c>copy --json</c> and <c>watch --json</c> print when a migration ends, as a script reads it.</summary>
public sealed record CopyReport
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Id { get; init; } = string.Empty;

    public string State { get; init; } = string.Empty;

    public string? Error { get; init; }

    public ReportCounters Counters { get; init; } = new();

    public IReadOnlyList<ReportFailure> Failures { get; init; } = [];

    public int ExitCode { get; init; }

    public double ElapsedSeconds { get; init; }

    /// <summary>The report on the process's standard output; a clear failure (with all the output) when there is none.</summary>
    public static CopyReport Parse(ProcessResult result)
    {
        try
        {
            return JsonSerializer.Deserialize<CopyReport>(result.StandardOutput, Json) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            Assert.Fail($"standard output is not the JSON report ({e.Message}):\n{result}");
            throw;
        }
    }
}

public sealed record ReportCounters
{
    public long ObjectsDiscovered { get; init; }

    public long BytesDiscovered { get; init; }

    public long ObjectsDone { get; init; }

    public long BytesDone { get; init; }

    public long ObjectsFailed { get; init; }

    public long ObjectsSkipped { get; init; }

    public long BytesSkipped { get; init; }

    public long BytesTransferred { get; init; }

    public long PartsReused { get; init; }
}

public sealed record ReportFailure(string Source, string Destination, string Reason);
