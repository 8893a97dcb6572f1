using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Runtime;
using S3Migrate.Abstractions;
using S3Migrate.Cli.Console;
using Spectre.Console;

namespace S3Migrate.Cli.Commands;

/// <summary>The commands that talk to a running silo or cluster as an Orleans client.</summary>
internal static class ClientCommands
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static IEnumerable<Command> Build()
    {
        yield return Submit();
        yield return Status();
        yield return Watch();
        yield return List();
        yield return Simple("cancel", "Cancel a migration (unfinished uploads stay, so it can be resumed by submitting it again)", static m => m.CancelAsync());
        yield return Simple("retry-failed", "Queue a migration's failed objects again", static m => m.RetryFailedAsync());
        yield return Verify();
    }

    private static Command Submit()
    {
        var endpoints = new EndpointOptions();
        var migration = new MigrationOptionsGroup();
        var connection = new ClusterConnection();
        var id = new Option<string?>("--id") { Description = "The migration's id (default: generated)" };
        var resync = new Option<TimeSpan?>("--resync-interval") { Description = "Re-diff every interval until cancelled (continuous sync), e.g. 01:00:00" };
        var watch = new Option<bool>("--watch") { Description = "Follow progress until the migration finishes" };
        var json = new Option<bool>("--json") { Description = "Print the status as JSON" };
        var command = Help.Create("submit", "Submit a migration to a running silo or cluster", """
            --from and --to name endpoints configured on the silos.

            Example:
              s3migrate submit s3://src/data/ s3://dst/data/ --from local --to remote --gateway 10.0.1.5:30000 --watch
            """);
        migration.AddTo(command);
        command.Options.Add(endpoints.From);
        command.Options.Add(endpoints.To);
        connection.AddTo(command);
        command.Options.Add(id);
        command.Options.Add(resync);
        command.Options.Add(watch);
        command.Options.Add(json);
        command.SetAction(async (result, cancellationToken) =>
        {
            var spec = new MigrationSpec
            {
                SourceEndpoint = result.GetValue(endpoints.From) ?? throw new UsageException("--from is required: the name of the source endpoint on the silos"),
                DestinationEndpoint = result.GetValue(endpoints.To) ?? throw new UsageException("--to is required: the name of the destination endpoint on the silos"),
                Routes = migration.Routes(result),
                Options = migration.Options(result) with { ResyncInterval = result.GetValue(resync) },
            };
            using var host = await connection.ConnectAsync(result, cancellationToken);
            var migrationId = result.GetValue(id) ?? "m-" + DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            var grain = ClusterConnection.Grains(host).GetGrain<IMigrationGrain>(migrationId);
            MigrationStatus status;
            try
            {
                status = await grain.StartAsync(spec, cancellationToken);
            }
            catch (MigrationRejectedException e)
            {
                throw new UsageException(e.Message, e);
            }

            if (!result.GetValue(watch))
            {
                Print(status, result.GetValue(json));
                return ExitCodes.Success;
            }

            return await FollowAsync(grain, result.GetValue(json));
        });
        return command;
    }

    private static Command Status()
    {
        var connection = new ClusterConnection();
        var id = new Argument<string?>("ID") { Description = "A migration id (all migrations when left out)", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print as JSON" };
        var failures = new Option<bool>("--failures") { Description = "Also list the failed objects with their reasons" };
        var command = new Command("status", "Show a migration's state and counters (or every migration's)");
        command.Arguments.Add(id);
        connection.AddTo(command);
        command.Options.Add(json);
        command.Options.Add(failures);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = await connection.ConnectAsync(result, cancellationToken);
            var grains = ClusterConnection.Grains(host);
            if (result.GetValue(id) is not { } migrationId)
            {
                var all = await AllAsync(grains);
                PrintList(all, result.GetValue(json));
                return ExitCodes.Success;
            }

            var grain = grains.GetGrain<IMigrationGrain>(migrationId);
            var status = await ExistingAsync(grain, migrationId);
            Print(status, result.GetValue(json));
            if (result.GetValue(failures))
            {
                Report.WriteFailures(status, await CopyCommand.FailuresAsync(grain, status));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Watch() => Following(
        "watch", "Follow a migration's progress until it finishes; exit code as for copy", "Print the result as JSON (no progress display)", first: null);

    /// <summary>A command that finds a migration, optionally acts on it, and follows it to the end.</summary>
    private static Command Following(string name, string description, string jsonDescription, Func<IMigrationGrain, Task>? first)
    {
        var connection = new ClusterConnection();
        var id = new Argument<string>("ID") { Description = "A migration id" };
        var json = new Option<bool>("--json") { Description = jsonDescription };
        var command = new Command(name, description);
        command.Arguments.Add(id);
        connection.AddTo(command);
        command.Options.Add(json);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = await connection.ConnectAsync(result, cancellationToken);
            var grain = ClusterConnection.Grains(host).GetGrain<IMigrationGrain>(result.GetValue(id)!);
            await ExistingAsync(grain, result.GetValue(id)!);
            if (first is not null)
            {
                await first(grain);
            }

            return await FollowAsync(grain, result.GetValue(json));
        });
        return command;
    }

    private static Command List()
    {
        var connection = new ClusterConnection();
        var json = new Option<bool>("--json") { Description = "Print as JSON" };
        var command = new Command("list", "List the cluster's migrations");
        connection.AddTo(command);
        command.Options.Add(json);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = await connection.ConnectAsync(result, cancellationToken);
            PrintList(await AllAsync(ClusterConnection.Grains(host)), result.GetValue(json));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Verify() => Following(
        "verify", "Run a fresh diff of a finished migration and wait for it; exit 0 only if nothing differs", "Print the result as JSON",
        static grain => grain.VerifyAsync());

    private static Command Simple(string name, string description, Func<IMigrationGrain, Task<MigrationStatus>> action)
    {
        var connection = new ClusterConnection();
        var id = new Argument<string>("ID") { Description = "A migration id" };
        var json = new Option<bool>("--json") { Description = "Print the status as JSON" };
        var command = new Command(name, description);
        command.Arguments.Add(id);
        connection.AddTo(command);
        command.Options.Add(json);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var host = await connection.ConnectAsync(result, cancellationToken);
            var grain = ClusterConnection.Grains(host).GetGrain<IMigrationGrain>(result.GetValue(id)!);
            await ExistingAsync(grain, result.GetValue(id)!);
            Print(await action(grain), result.GetValue(json));
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<int> FollowAsync(IMigrationGrain grain, bool json)
    {
        using var interrupt = new Interrupt();
        var status = await ProgressView.FollowAsync(() => RidingOutSiloLossAsync(grain.GetStatusAsync), ProgressView.ModeFor(json, noProgress: false), interrupt.Token);
        if (!status.State.IsFinished())
        {
            // Watching stops; the migration goes on in the cluster.
            System.Console.Error.WriteLine($"s3migrate: stopped watching; migration {status.Id} goes on ({Report.Describe(status.State)})");
            return ExitCodes.Interrupted;
        }

        var failures = await RidingOutSiloLossAsync(() => CopyCommand.FailuresAsync(grain, status));
        var exitCode = Report.ExitCode(status);
        if (json)
        {
            Report.WriteJson(status, failures, exitCode);
        }
        else
        {
            Report.WriteSummary(status, failures);
        }

        return exitCode;
    }

    /// <summary>
    /// A call that meets a silo the cluster has lost but not yet declared dead (its gateway, or the silo of the grain) is
    /// tried again until the cluster notices, for up to two minutes; the migration itself goes on meanwhile.
    /// </summary>
    private static async Task<T> RidingOutSiloLossAsync<T>(Func<Task<T>> call)
    {
        var giveUp = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when ((e is OrleansMessageRejectionException or SiloUnavailableException or TimeoutException) && DateTime.UtcNow < giveUp)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    private static async Task<MigrationStatus> ExistingAsync(IMigrationGrain grain, string id)
    {
        var status = await RidingOutSiloLossAsync(grain.GetStatusAsync);
        return status.Exists ? status : throw new UsageException($"no migration is named '{id}'");
    }

    private static async Task<IReadOnlyList<MigrationStatus>> AllAsync(IGrainFactory grains)
    {
        var ids = await grains.GetGrain<IMigrationDirectoryGrain>(0).ListAsync();
        var statuses = await Task.WhenAll(ids.Select(id => grains.GetGrain<IMigrationGrain>(id).GetStatusAsync()));
        return [.. statuses.Where(static s => s.Exists).OrderBy(static s => s.CreatedAt)];
    }

    private static void Print(MigrationStatus status, bool json)
    {
        if (json)
        {
            System.Console.Out.WriteLine(JsonSerializer.Serialize(status, Json));
            return;
        }

        var c = status.Counters;
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("migration", Markup.Escape(status.Id));
        grid.AddRow("state", Report.Describe(status.State));
        if (status.Spec is { } spec)
        {
            foreach (var route in spec.Routes)
            {
                grid.AddRow("route", Markup.Escape($"{spec.SourceEndpoint}: {route}  ({spec.DestinationEndpoint})"));
            }
        }

        grid.AddRow("progress", Markup.Escape(ProgressView.Line(status)));
        grid.AddRow("copied", Markup.Escape($"{c.ObjectsDone:N0} objects, {Sizes.Format(c.BytesDone)}"));
        grid.AddRow("already identical", c.ObjectsSkipped.ToString("N0", CultureInfo.InvariantCulture));
        grid.AddRow("failed", c.ObjectsFailed.ToString("N0", CultureInfo.InvariantCulture));
        grid.AddRow("diff round", status.Round.ToString(CultureInfo.InvariantCulture));
        if (status.Error is { } error)
        {
            grid.AddRow("error", Markup.Escape(error));
        }

        AnsiConsole.Write(grid);
    }

    private static void PrintList(IReadOnlyList<MigrationStatus> statuses, bool json)
    {
        if (json)
        {
            System.Console.Out.WriteLine(JsonSerializer.Serialize(statuses, Json));
            return;
        }

        if (statuses.Count == 0)
        {
            System.Console.Out.WriteLine("no migrations");
            return;
        }

        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in new[] { "id", "state", "objects done", "failed", "bytes done", "created" })
        {
            table.AddColumn(column);
        }

        foreach (var s in statuses)
        {
            table.AddRow(Markup.Escape(s.Id), Report.Describe(s.State), s.Counters.ObjectsDone.ToString("N0", CultureInfo.InvariantCulture),
                s.Counters.ObjectsFailed.ToString("N0", CultureInfo.InvariantCulture), Sizes.Format(s.Counters.BytesDone),
                s.CreatedAt?.ToString("u", CultureInfo.InvariantCulture) ?? string.Empty);
        }

        AnsiConsole.Write(table);
    }
}
