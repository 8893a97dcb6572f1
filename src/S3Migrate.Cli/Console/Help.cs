using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace S3Migrate.Cli.Console;

/// <summary>Command help with details and examples after the standard help (the command list shows only the summary).</summary>
internal static class Help
{
    private static readonly Dictionary<Command, string> Details = [];

    public static Command Create(string name, string summary, string details)
    {
        var command = new Command(name, summary);
        Details[command] = details;
        return command;
    }

    /// <summary>Makes --help print a command's details after the standard text.</summary>
    public static void Install(RootCommand root)
    {
        var option = root.Options.OfType<HelpOption>().First();
        if (option.Action is HelpAction standard)
        {
            option.Action = new DetailedHelpAction(standard);
        }
    }

    private sealed class DetailedHelpAction(HelpAction standard) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var code = standard.Invoke(parseResult);
            if (Details.TryGetValue(parseResult.CommandResult.Command, out var details))
            {
                parseResult.InvocationConfiguration.Output.WriteLine(details.TrimEnd());
                parseResult.InvocationConfiguration.Output.WriteLine();
            }

            return code;
        }
    }
}
