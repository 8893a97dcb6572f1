using S3Migrate.Testing;
using S3Migrate.Transfer.Endpoints;

namespace S3Migrate.Transfer.Tests.Endpoints;

/// <summary>
/// Credentials from an SSM Parameter Store SecureString in the original tool's format, read through the AWS SDK from
/// an SSM stand-in: decrypted, parsed, refreshed, and every way it can be wrong told in one line naming the parameter.
/// </summary>
public sealed class SsmCredentialParameterTests : IAsyncLifetime
{
    private const string EndpointName = "china";
    private SsmStandIn _ssm = null!;

    public async Task InitializeAsync() => _ssm = await SsmStandIn.StartAsync();

    public async Task DisposeAsync() => await _ssm.DisposeAsync();

    [Fact]
    public async Task ReadsTheOriginalFormatDecryptedWithTheReadersCredentials()
    {
        var key = TestCredentials.NewKey("remote");
        var parameter = Parameter();
        _ssm.SetParameter(parameter, TestCredentials.ParameterValue(key, "cn-northwest-1"));

        var loaded = await LoadAsync(parameter);

        Assert.Equal(key.AccessKeyId, loaded.Credentials.AccessKey);
        Assert.Equal(key.SecretAccessKey, loaded.Credentials.SecretKey);
        Assert.Equal("cn-northwest-1", loaded.Region);
        var request = Assert.Single(_ssm.Requests);
        Assert.Equal(SsmStandIn.GetParameterTarget, request.Target);
        Assert.Equal(parameter, request.Name);
        Assert.True(request.WithDecryption);
        Assert.Equal(TestCredentials.ReaderKeyId, request.AccessKeyId);
    }

    [Fact]
    public async Task AMissingParameterIsOneLineNamingTheParameterAndTheEndpoint()
    {
        var parameter = Parameter();

        var error = await Assert.ThrowsAsync<CredentialSourceException>(() => LoadAsync(parameter));

        Assert.Equal($"endpoint '{EndpointName}': SSM parameter {parameter} does not exist", error.Message);
        Assert.False(error.IsTransient);
    }

    [Theory]
    [InlineData("""{"aws_access_key_id": "AKIAREMOTE0000000M1", "aws_secret_access_key": "half-written-secret-value""", "is not valid JSON")]
    [InlineData("""aws_access_key_id=AKIAREMOTE0000000M1 aws_secret_access_key=plain-text-secret-value""", "is not valid JSON")]
    [InlineData("""["AKIAREMOTE0000000M1", "array-secret-value"]""", "not a JSON array")]
    [InlineData("""{"aws_access_key_id": "AKIAREMOTE0000000M1", "region": "cn-north-1"}""", "has no \"aws_secret_access_key\"")]
    [InlineData("""{"aws_secret_access_key": "lonely-secret-value", "region": "cn-north-1"}""", "has no \"aws_access_key_id\"")]
    [InlineData("""{"aws_access_key_id": 12345, "aws_secret_access_key": "numeric-id-secret-value"}""", "\"aws_access_key_id\" must be a non-empty string")]
    [InlineData("""{"aws_access_key_id": "AKIAREMOTE0000000M1", "aws_secret_access_key": "bad-region-secret-value", "region": "China North"}""", "\"region\" is not a region name")]
    public async Task AMalformedValueIsOneLineNamingTheParameterAndWhatIsWrongButNeverTheValue(string value, string expected)
    {
        var parameter = Parameter();
        _ssm.SetParameter(parameter, value);

        var error = await Assert.ThrowsAsync<CredentialSourceException>(() => LoadAsync(parameter));

        Assert.StartsWith($"endpoint '{EndpointName}': SSM parameter {parameter}", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task KeysForAnotherPartitionThanTheEndpointsAreRefused()
    {
        var parameter = Parameter();
        _ssm.SetParameter(parameter, TestCredentials.ParameterValue(TestCredentials.NewKey("remote"), "cn-north-1"));

        var error = await Assert.ThrowsAsync<CredentialSourceException>(() => LoadAsync(parameter, region: "us-west-2"));

        Assert.Contains("partition aws-cn", error.Message, StringComparison.Ordinal);
        Assert.Contains("us-west-2 (partition aws)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnSsmOutageIsTransientAndNamesTheParameter()
    {
        var parameter = Parameter();
        _ssm.SetParameter(parameter, TestCredentials.ParameterValue(TestCredentials.NewKey("remote"), null));
        _ssm.Unavailable = true;

        var error = await Assert.ThrowsAsync<CredentialSourceException>(() => LoadAsync(parameter));

        Assert.True(error.IsTransient);
        Assert.Contains(parameter, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARotatedValueIsPickedUpAtTheNextRefreshAndNotBefore()
    {
        var (first, second) = (TestCredentials.NewKey("first"), TestCredentials.NewKey("second"));
        var parameter = Parameter();
        _ssm.SetParameter(parameter, TestCredentials.ParameterValue(first, "cn-north-1"));
        var clock = new ManualClock();
        var interval = TimeSpan.FromMinutes(10);
        using var credentials = new ReloadableCredentials(CredentialLoader.For(Options(parameter, interval)), interval, clock);

        Assert.Equal(first.AccessKeyId, (await credentials.GetCredentialsAsync()).AccessKey);
        _ssm.SetParameter(parameter, TestCredentials.ParameterValue(second, "cn-north-1"));
        clock.Advance(interval / 2);
        Assert.Equal(first.AccessKeyId, (await credentials.GetCredentialsAsync()).AccessKey);
        clock.Advance(interval / 2);
        Assert.Equal(second.AccessKeyId, (await credentials.GetCredentialsAsync()).AccessKey);

        Assert.Equal(2, _ssm.GetParameterCalls(parameter));
    }

    [Fact]
    public async Task WhileSsmIsDownAtRefreshTimeTheCurrentKeysStayInUseUntilItAnswersAgain()
    {
        var (first, second) = (TestCredentials.NewKey("first"), TestCredentials.NewKey("second"));
        var parameter = Parameter();
        _ssm.SetParameter(parameter, TestCredentials.ParameterValue(first, null));
        var clock = new ManualClock();
        var interval = TimeSpan.FromMinutes(10);
        using var credentials = new ReloadableCredentials(CredentialLoader.For(Options(parameter, interval)), interval, clock);
        Assert.Equal(first.AccessKeyId, (await credentials.GetCredentialsAsync()).AccessKey);

        _ssm.Unavailable = true;
        _ssm.SetParameter(parameter, TestCredentials.ParameterValue(second, null));
        clock.Advance(interval);
        Assert.Equal(first.AccessKeyId, (await credentials.GetCredentialsAsync()).AccessKey);

        _ssm.Unavailable = false;
        clock.Advance(ReloadableCredentials.FailedRefreshRetryDelay);
        Assert.Equal(second.AccessKeyId, (await credentials.GetCredentialsAsync()).AccessKey);
    }

    private static string Parameter() => "/s3migrate/test/" + Guid.NewGuid().ToString("N");

    private S3EndpointOptions Options(string parameter, TimeSpan? interval = null, string region = "cn-north-1") => new()
    {
        Name = EndpointName,
        Region = region,
        Credentials = TestCredentials.FromParameter(_ssm, parameter, interval),
    };

    private Task<LoadedCredentials> LoadAsync(string parameter, string region = "cn-north-1") =>
        CredentialLoader.For(Options(parameter, region: region))(CredentialLoadReason.Initial, CancellationToken.None);
}
