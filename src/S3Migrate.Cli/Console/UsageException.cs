namespace S3Migrate.Cli.Console;

/// <summary>Input the command cannot work with; printed as one line, exit code 1.</summary>
public sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The process exit codes, as documented in --help.</summary>
public static class ExitCodes
{
    /// <summary>Every object verified (or nothing to do).</summary>
    public const int Success = 0;

    /// <summary>Could not run: bad input, unreachable endpoint, rejected migration.</summary>
    public const int CouldNotRun = 1;

    /// <summary>Ran to the end, but some objects failed (listed with reasons).</summary>
    public const int SomeFailed = 2;

    /// <summary>Interrupted (Ctrl+C, SIGTERM); running the same command again resumes.</summary>
    public const int Interrupted = 130;
}
