using Amazon.Runtime;
using S3Migrate.Transfer.Endpoints;

namespace S3Migrate.Transfer.Tests.Endpoints;

/// <summary>Secret keys and session tokens never show in what options, credentials or errors print.</summary>
public sealed class SecretsStayHiddenTests
{
    private const string KeyId = "AKIASTATICKEY000K01";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCY-never-shown";
    private const string Token = "FwoGZXIvYXdzEJr-session-token-never-shown";

    [Fact]
    public void OptionsPrintTheirSourceButNoSecret()
    {
        var endpoint = new S3EndpointOptions
        {
            Name = "local",
            ServiceUrl = new Uri("http://127.0.0.1:9000"),
            Credentials = new CredentialSourceOptions { Kind = CredentialSourceKind.Static, AccessKeyId = KeyId, SecretAccessKey = Secret, SessionToken = Token },
        };
        var parameter = new CredentialSourceOptions
        {
            Kind = CredentialSourceKind.SsmParameter,
            ParameterName = "/migration/china",
            ParameterServiceUrl = new Uri("http://127.0.0.1:9100"),
            ParameterReader = endpoint.Credentials,
        };

        foreach (var printed in new[] { endpoint.ToString(), endpoint.Credentials.ToString(), parameter.ToString() })
        {
            Assert.DoesNotContain(Secret, printed, StringComparison.Ordinal);
            Assert.DoesNotContain(Token, printed, StringComparison.Ordinal);
            Assert.DoesNotContain(KeyId, printed, StringComparison.Ordinal);
        }

        Assert.Contains("static key AKIA…0K01", endpoint.ToString(), StringComparison.Ordinal);
        Assert.Equal("SSM parameter /migration/china", parameter.ToString());
    }

    [Fact]
    public void LoadedCredentialsPrintAShortenedKeyIdOnly()
    {
        var loaded = new LoadedCredentials(new ImmutableCredentials(KeyId, Secret, Token), DateTimeOffset.UnixEpoch) { Region = "cn-north-1" };

        var printed = loaded.ToString();

        Assert.StartsWith("access key AKIA…0K01, expires", printed, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, printed, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, printed, StringComparison.Ordinal);
    }

    [Fact]
    public void AMalformedValueIsReportedWithoutQuotingIt()
    {
        var value = $$"""{"aws_access_key_id": "{{KeyId}}", "aws_secret_access_key": "{{Secret}}" "region": "cn-north-1"}""";

        var error = Assert.Throws<CredentialSourceException>(() => SsmCredentialParameter.Parse("china", "/migration/china", value));

        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("/migration/china", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProfileFileThatCannotBeParsedIsReportedWithoutQuotingIt()
    {
        var directory = Directory.CreateTempSubdirectory("s3migrate-profiles-").FullName;
        try
        {
            var file = Path.Combine(directory, "credentials");
            await File.WriteAllTextAsync(file, $"[migration\naws_access_key_id = {KeyId}\naws_secret_access_key = {Secret}\n");
            var options = new S3EndpointOptions
            {
                Name = "global",
                Region = "us-east-1",
                Credentials = new CredentialSourceOptions { Kind = CredentialSourceKind.Profile, ProfileName = "migration", ProfilesFile = file },
            };

            var error = await Assert.ThrowsAsync<CredentialSourceException>(() => CredentialLoader.For(options)(CredentialLoadReason.Initial, CancellationToken.None));

            Assert.Contains("'migration'", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
