namespace S3Migrate.Transfer.Tests.Endpoints;

/// <summary>Sets environment variables for the life of a test and restores their earlier values.</summary>
public sealed class EnvironmentVariables : IDisposable
{
    private readonly List<(string Name, string? Previous)> _previous = [];

    public EnvironmentVariables(params (string Name, string? Value)[] variables)
    {
        foreach (var (name, value) in variables)
        {
            _previous.Add((name, System.Environment.GetEnvironmentVariable(name)));
            System.Environment.SetEnvironmentVariable(name, value);
        }
    }

    public void Dispose()
    {
        foreach (var (name, previous) in _previous)
        {
            System.Environment.SetEnvironmentVariable(name, previous);
        }
    }
}
