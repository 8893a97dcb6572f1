using System.CommandLine;
using S3Migrate.Cli.Commands;
using S3Migrate.Cli.Console;

var root = new RootCommand("""
    s3migrate: migrate S3 objects between endpoints (AWS global, AWS China, S3-compatible stores), resumable and
    verified. `copy` runs on this machine; `submit`, `status`, `watch`, `list`, `cancel`, `retry-failed` and `verify`
    talk to a running silo or cluster; `enqueue` puts a list of objects on a cluster's jobs queue.
    """);
root.Subcommands.Add(new CopyCommand().Build());
foreach (var command in ClientCommands.Build())
{
    root.Subcommands.Add(command);
}

root.Subcommands.Add(EngineCommands.Diff());
root.Subcommands.Add(EngineCommands.Cleanup());
root.Subcommands.Add(EnqueueCommand.Build());

Help.Install(root);
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // One line: what is wrong, and where the help is.
    Console.Error.WriteLine($"s3migrate: {parsed.Errors[0].Message.TrimEnd('.')} (see '{string.Join(' ', ["s3migrate", .. CommandPath(parsed)])} --help')");
    return ExitCodes.CouldNotRun;
}

try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
}
catch (UsageException e)
{
    foreach (var line in e.Message.Split(Environment.NewLine))
    {
        Console.Error.WriteLine("s3migrate: " + line);
    }

    return ExitCodes.CouldNotRun;
}
catch (Exception e) when (e is not OutOfMemoryException)
{
    Console.Error.WriteLine($"s3migrate: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
    return ExitCodes.CouldNotRun;
}

static IEnumerable<string> CommandPath(ParseResult parsed)
{
    var names = new List<string>();
    for (var symbol = parsed.CommandResult; symbol is not null && symbol.Command is not RootCommand; symbol = symbol.Parent as System.CommandLine.Parsing.CommandResult)
    {
        names.Insert(0, symbol.Command.Name);
    }

    return names;
}
