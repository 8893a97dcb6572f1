namespace S3Migrate.Testing;

/// <summary>The checkout the tests run from: the nearest folder above the test binaries that holds the solution.</summary>
public static class RepositoryRoot
{
    private const string SolutionFile = "S3Migrate.sln";

    private static readonly Lazy<string> Located = new(Locate);

    public static string FullPath => Located.Value;

    private static string Locate()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No {SolutionFile} in {AppContext.BaseDirectory} or any folder above it; run the tests from a checkout of the repository.");
    }
}
