using S3Migrate.Transfer.Endpoints;

namespace S3Migrate.Transfer.Tests.Endpoints;

/// <summary>
/// Credentials from a named profile in a shared credentials file the options point to, and from environment variables
/// (standard or prefixed); each read afresh at every load, and each failure one line naming the endpoint and the source.
/// </summary>
public sealed class CredentialSourceTests : IDisposable
{
    private const string EndpointName = "global";
    private readonly string _directory = Directory.CreateTempSubdirectory("s3migrate-profiles-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task ANamedProfileIsReadFromTheFileTheOptionsNameAndReadAgainAtEveryLoad()
    {
        var file = Path.Combine(_directory, "credentials");
        var (first, second) = (TestCredentials.NewKey("first"), TestCredentials.NewKey("second"));
        TestCredentials.WriteProfile(file, "migration", first);
        var load = CredentialLoader.For(Profile(file, "migration"));

        var before = await load(CredentialLoadReason.Initial, CancellationToken.None);
        TestCredentials.WriteProfile(file, "migration", second);
        var after = await load(CredentialLoadReason.Periodic, CancellationToken.None);

        Assert.Equal((first.AccessKeyId, first.SecretAccessKey), (before.Credentials.AccessKey, before.Credentials.SecretKey));
        Assert.Equal((second.AccessKeyId, second.SecretAccessKey), (after.Credentials.AccessKey, after.Credentials.SecretKey));
    }

    [Fact]
    public async Task AProfileThatIsNotInTheFileIsOneLineNamingProfileFileAndEndpoint()
    {
        var file = Path.Combine(_directory, "credentials");
        TestCredentials.WriteProfile(file, "migration", TestCredentials.NewKey("first"));

        var error = await Assert.ThrowsAsync<CredentialSourceException>(() =>
            CredentialLoader.For(Profile(file, "absent"))(CredentialLoadReason.Initial, CancellationToken.None));

        Assert.Equal($"endpoint '{EndpointName}': profile 'absent' was not found in {file}", error.Message);
    }

    [Fact]
    public void AProfilesFileThatDoesNotExistIsRefusedBeforeStart()
    {
        var missing = Path.Combine(_directory, "nowhere", "credentials");

        var problem = Profile(missing, "migration").Validate();

        Assert.Equal($"endpoint '{EndpointName}': the profiles file '{missing}' does not exist", problem);
    }

    [Fact]
    public async Task PrefixedEnvironmentVariablesLetTwoEndpointsComeFromTheEnvironment()
    {
        var prefix = $"S3MIGRATE_TEST_{Guid.NewGuid():N}_";
        var key = TestCredentials.NewKey("env");
        using var variables = new EnvironmentVariables(
            (prefix + CredentialLoader.AccessKeyIdVariable, key.AccessKeyId),
            (prefix + CredentialLoader.SecretAccessKeyVariable, key.SecretAccessKey),
            (prefix + CredentialLoader.SessionTokenVariable, "session-token-from-env"));

        var loaded = await CredentialLoader.For(FromEnvironment(prefix))(CredentialLoadReason.Initial, CancellationToken.None);

        Assert.Equal(key.AccessKeyId, loaded.Credentials.AccessKey);
        Assert.Equal(key.SecretAccessKey, loaded.Credentials.SecretKey);
        Assert.Equal("session-token-from-env", loaded.Credentials.Token);
    }

    [Fact]
    public async Task AMissingEnvironmentVariableIsNamed()
    {
        var prefix = $"S3MIGRATE_TEST_{Guid.NewGuid():N}_";
        using var variables = new EnvironmentVariables((prefix + CredentialLoader.AccessKeyIdVariable, "AKIAENVONLY00000E01"));

        var error = await Assert.ThrowsAsync<CredentialSourceException>(() =>
            CredentialLoader.For(FromEnvironment(prefix))(CredentialLoadReason.Initial, CancellationToken.None));

        Assert.Equal($"endpoint '{EndpointName}': the environment variable {prefix}{CredentialLoader.SecretAccessKeyVariable} is not set", error.Message);
    }

    [Fact]
    public void AnEnvironmentPrefixMustBeAVariableName()
    {
        Assert.Contains("may only hold letters, digits and '_'", FromEnvironment("CHINA-").Validate(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaticKeysMayCarryASessionToken()
    {
        var options = new S3EndpointOptions
        {
            Name = EndpointName,
            ServiceUrl = new Uri("http://127.0.0.1:9000"),
            Credentials = new CredentialSourceOptions
            {
                Kind = CredentialSourceKind.Static, AccessKeyId = "AKIASTATIC000000S01", SecretAccessKey = "static-secret", SessionToken = "static-token",
            },
        };

        var loaded = await CredentialLoader.For(options)(CredentialLoadReason.Initial, CancellationToken.None);

        Assert.Equal(("AKIASTATIC000000S01", "static-secret", "static-token"), (loaded.Credentials.AccessKey, loaded.Credentials.SecretKey, loaded.Credentials.Token));
    }

    private static S3EndpointOptions Profile(string file, string profile) => new()
    {
        Name = EndpointName,
        Region = "us-east-1",
        Credentials = new CredentialSourceOptions { Kind = CredentialSourceKind.Profile, ProfileName = profile, ProfilesFile = file },
    };

    private static S3EndpointOptions FromEnvironment(string? prefix) => new()
    {
        Name = EndpointName,
        Region = "us-east-1",
        Credentials = new CredentialSourceOptions { Kind = CredentialSourceKind.Environment, EnvironmentPrefix = prefix },
    };
}
