using S3Migrate.Transfer.Endpoints;

namespace S3Migrate.Transfer.Tests.Endpoints;

/// <summary>
/// The standard AWS_* variables belong to the whole test process, so these tests run alone and put back what was there.
/// </summary>
[Collection(ProcessEnvironment.Name)]
public sealed class StandardEnvironmentVariableTests
{
    [Fact]
    public async Task TheStandardVariablesAreReadWhenNoPrefixIsGiven()
    {
        var key = TestCredentials.NewKey("std");
        using var variables = new EnvironmentVariables(
            (CredentialLoader.AccessKeyIdVariable, key.AccessKeyId),
            (CredentialLoader.SecretAccessKeyVariable, null),
            (CredentialLoader.LegacySecretKeyVariable, key.SecretAccessKey),
            (CredentialLoader.SessionTokenVariable, null));
        var options = new S3EndpointOptions
        {
            Name = "global",
            Region = "us-east-1",
            Credentials = new CredentialSourceOptions { Kind = CredentialSourceKind.Environment },
        };

        var loaded = await CredentialLoader.For(options)(CredentialLoadReason.Initial, CancellationToken.None);

        Assert.Equal(key.AccessKeyId, loaded.Credentials.AccessKey);
        Assert.Equal(key.SecretAccessKey, loaded.Credentials.SecretKey);
        Assert.False(loaded.Credentials.UseToken);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironment
{
    public const string Name = "process environment";
}
