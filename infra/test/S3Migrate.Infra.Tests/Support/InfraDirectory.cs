namespace S3Migrate.Infra.Tests.Support;

/// <summary>The repository's <c>infra/</c> folder, found from the test binaries.</summary>
internal static class InfraDirectory
{
    public static string Path { get; } = Find();

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "cdk.json")) && Directory.Exists(System.IO.Path.Combine(directory.FullName, "guard")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No infra folder (with cdk.json and guard/) above {AppContext.BaseDirectory}.");
    }
}
