using System.Security.Cryptography;
using S3Migrate.LocalS3.Auth;
using S3Migrate.LocalS3.Faults;
using S3Migrate.Testing;
using S3Migrate.Transfer.Copy;
using S3Migrate.Transfer.Endpoints;
using S3Migrate.Transfer.Listing;
using S3Migrate.Transfer.Resume;
using S3Migrate.Transfer.Retry;

namespace S3Migrate.Transfer.Tests.Endpoints;

/// <summary>
/// Keys rotated under a running migration, against LocalS3 endpoints that stop accepting the old key: the next request
/// is refused, the endpoint reloads its keys from their source (SSM parameter, profile file, environment) and carries
/// on in the same process — and a periodic refresh picks up a new key before any refusal.
/// </summary>
public sealed class CredentialRotationTests : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private EngineHarness _engine = null!;
    private SsmStandIn _ssm = null!;
    private string _directory = null!;

    public async Task InitializeAsync()
    {
        _engine = await EngineHarness.StartAsync();
        _ssm = await SsmStandIn.StartAsync();
        _directory = Directory.CreateTempSubdirectory("s3migrate-rotation-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _ssm.DisposeAsync();
        await _engine.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task ACopyUnderWayWhenTheDestinationKeyIsRotatedReloadsItFromSsmOnceForAllItsRefusedPartsAndArrivesIntact()
    {
        var (source, destination) = await _engine.BucketsAsync();
        var data = RandomNumberGenerator.GetBytes((4 * 5 * MiB) + 17);
        await _engine.PutSourceAsync(source, "large", data);
        var (oldKey, newKey) = (TestCredentials.NewKey("old"), TestCredentials.NewKey("new"));
        var china = _engine.DestinationServer;
        china.Verifier.AddKey(oldKey);
        var parameter = "/s3migrate/china/" + Guid.NewGuid().ToString("N");
        _ssm.SetParameter(parameter, TestCredentials.ParameterValue(oldKey, LocalS3Harness.ChinaRegion));
        var logs = new CapturingLogger<ObjectCopier>();
        using var sourceEndpoint = S3Endpoint.Create(EngineHarness.EndpointOptions(_engine.SourceServer), 16);
        using var destinationEndpoint = S3Endpoint.Create(TestCredentials.Endpoint(china, TestCredentials.FromParameter(_ssm, parameter)), 16, logger: logs);
        var copier = Copier(sourceEndpoint, destinationEndpoint, logs);
        var rotated = 0;

        // Rotated once the upload has begun and before its parts go out, so that every part in flight is refused.
        void RotateWhenTheUploadBegins(RequestRecord request)
        {
            if (request is { Operation: "CreateMultipartUpload", Status: 200 } && Interlocked.Exchange(ref rotated, 1) == 0)
            {
                TestCredentials.Rotate(china, oldKey, newKey);
                _ssm.SetParameter(parameter, TestCredentials.ParameterValue(newKey, LocalS3Harness.ChinaRegion));
            }
        }

        china.Counters.Reset();
        china.Counters.RequestCompleted += RotateWhenTheUploadBegins;
        CopyResult result;
        try
        {
            result = await copier.CopyAsync(new CopyRequest(source, "large", destination, "large"));
        }
        finally
        {
            china.Counters.RequestCompleted -= RotateWhenTheUploadBegins;
        }

        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal(data, await _engine.GetDestinationAsync(destination, "large"));
        var journal = china.Counters.Journal();
        Assert.Contains(journal, static r => r is { Operation: "UploadPart", ErrorCode: "InvalidAccessKeyId" });
        Assert.Contains(journal, r => r is { Operation: "UploadPart", Status: 200 } && r.AccessKeyId == newKey.AccessKeyId);
        Assert.Contains(journal, r => r is { Operation: "CompleteMultipartUpload", Status: 200 } && r.AccessKeyId == newKey.AccessKeyId);

        // Every part in flight was refused, yet the parameter was read once more, not once per part.
        Assert.Equal(2, _ssm.GetParameterCalls(parameter));
        Assert.Equal(2, destinationEndpoint.Credentials.Generation);
        AssertNoSecretIn(logs.Lines, oldKey, newKey);
        Assert.Contains(logs.Lines, l => l.Contains("refused its credentials", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AfterTheSourceKeyIsRotatedInItsProfileFileTheNextCopyReloadsItThoughItsFirstRequestIsAHeadWithNoErrorCode()
    {
        var (source, destination) = await _engine.BucketsAsync();
        var data = RandomNumberGenerator.GetBytes(64 * 1024);
        await _engine.PutSourceAsync(source, "first", data);
        await _engine.PutSourceAsync(source, "second", data);
        var (oldKey, newKey) = (TestCredentials.NewKey("old"), TestCredentials.NewKey("new"));
        var global = _engine.SourceServer;
        global.Verifier.AddKey(oldKey);
        var file = Path.Combine(_directory, "credentials");
        TestCredentials.WriteProfile(file, "migration-source", oldKey);
        var profile = new CredentialSourceOptions { Kind = CredentialSourceKind.Profile, ProfileName = "migration-source", ProfilesFile = file };
        using var sourceEndpoint = S3Endpoint.Create(TestCredentials.Endpoint(global, profile), 8);
        using var destinationEndpoint = S3Endpoint.Create(EngineHarness.EndpointOptions(_engine.DestinationServer), 8);
        var copier = Copier(sourceEndpoint, destinationEndpoint);
        Assert.True((await copier.CopyAsync(new CopyRequest(source, "first", destination, "first"))).Succeeded);

        TestCredentials.Rotate(global, oldKey, newKey);
        TestCredentials.WriteProfile(file, "migration-source", newKey);
        global.Counters.Reset();
        var result = await copier.CopyAsync(new CopyRequest(source, "second", destination, "second"));

        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal(data, await _engine.GetDestinationAsync(destination, "second"));
        var journal = global.Counters.Journal();
        var refused = journal[0];
        Assert.Equal(("HeadObject", 403), (refused.Operation, refused.Status));
        Assert.All(journal.Skip(1), r => Assert.Equal((200, newKey.AccessKeyId), (r.Status, r.AccessKeyId)));
        Assert.Equal(2, sourceEndpoint.Credentials.Generation);
    }

    [Fact]
    public async Task AListingWithKeysFromPrefixedEnvironmentVariablesReloadsThemAfterRotation()
    {
        var bucket = UniqueName.For("env");
        await _engine.DestinationClient.PutBucketAsync(bucket);
        foreach (var key in new[] { "a", "b/c", "d" })
        {
            await _engine.DestinationClient.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });
        }

        var (oldKey, newKey) = (TestCredentials.NewKey("old"), TestCredentials.NewKey("new"));
        var china = _engine.DestinationServer;
        china.Verifier.AddKey(oldKey);
        var prefix = $"S3MIGRATE_TEST_{Guid.NewGuid():N}_";
        using var variables = new EnvironmentVariables(
            (prefix + CredentialLoader.AccessKeyIdVariable, oldKey.AccessKeyId), (prefix + CredentialLoader.SecretAccessKeyVariable, oldKey.SecretAccessKey));
        var environment = new CredentialSourceOptions { Kind = CredentialSourceKind.Environment, EnvironmentPrefix = prefix };
        using var endpoint = S3Endpoint.Create(TestCredentials.Endpoint(china, environment), 4);
        var lister = new S3ObjectLister(endpoint, QuickRetries());
        Assert.Equal(3, await lister.ListAsync(bucket, "", null, default).CountAsync());

        TestCredentials.Rotate(china, oldKey, newKey);
        System.Environment.SetEnvironmentVariable(prefix + CredentialLoader.AccessKeyIdVariable, newKey.AccessKeyId);
        System.Environment.SetEnvironmentVariable(prefix + CredentialLoader.SecretAccessKeyVariable, newKey.SecretAccessKey);
        var listed = await lister.ListAsync(bucket, "", null, default).Select(static o => o.Key).ToListAsync();

        Assert.Equal(["a", "b/c", "d"], listed);
        Assert.Equal(2, endpoint.Credentials.Generation);
    }

    [Fact]
    public async Task APeriodicRefreshPicksUpANewKeyBeforeTheOldOneIsRefused()
    {
        var bucket = UniqueName.For("refresh");
        await _engine.DestinationClient.PutBucketAsync(bucket);
        var (oldKey, newKey) = (TestCredentials.NewKey("old"), TestCredentials.NewKey("new"));
        var china = _engine.DestinationServer;
        china.Verifier.AddKey(oldKey);
        china.Verifier.AddKey(newKey);
        var parameter = "/s3migrate/china/" + Guid.NewGuid().ToString("N");
        _ssm.SetParameter(parameter, TestCredentials.ParameterValue(oldKey, LocalS3Harness.ChinaRegion));
        var clock = new ManualClock();
        var interval = TimeSpan.FromMinutes(10);
        using var endpoint = S3Endpoint.Create(TestCredentials.Endpoint(china, TestCredentials.FromParameter(_ssm, parameter, interval)), 4, clock);
        var lister = new S3ObjectLister(endpoint, QuickRetries());
        china.Counters.Reset();

        await lister.ListAsync(bucket, "", null, default).CountAsync();
        _ssm.SetParameter(parameter, TestCredentials.ParameterValue(newKey, LocalS3Harness.ChinaRegion));
        await lister.ListAsync(bucket, "", null, default).CountAsync();
        clock.Advance(interval);
        await lister.ListAsync(bucket, "", null, default).CountAsync();

        // The server records a request once its response is written, which may be just after the client read it.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (china.Counters.Journal().Count < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        var journal = china.Counters.Journal();
        Assert.Equal([oldKey.AccessKeyId, oldKey.AccessKeyId, newKey.AccessKeyId], journal.Select(static r => r.AccessKeyId));
        Assert.All(journal, static r => Assert.Equal(200, r.Status));
        Assert.Equal(2, _ssm.GetParameterCalls(parameter));
    }

    [Fact]
    public async Task AnEndpointWithoutARegionTakesTheOneInItsSsmParameter()
    {
        var bucket = UniqueName.For("region");
        await _engine.DestinationClient.PutBucketAsync(bucket);
        var key = TestCredentials.NewKey("remote");
        var china = _engine.DestinationServer;
        china.Verifier.AddKey(key);
        var parameter = "/s3migrate/china/" + Guid.NewGuid().ToString("N");
        _ssm.SetParameter(parameter, TestCredentials.ParameterValue(key, LocalS3Harness.ChinaRegion));

        using var endpoint = await S3Endpoint.CreateAsync(TestCredentials.Endpoint(china, TestCredentials.FromParameter(_ssm, parameter), withRegion: false), 4);
        var listed = await new S3ObjectLister(endpoint, QuickRetries()).ListAsync(bucket, "", null, default).CountAsync();

        Assert.Equal(LocalS3Harness.ChinaRegion, endpoint.Options.Region);
        Assert.Equal("aws-cn", endpoint.Options.Partition);
        Assert.Equal(0, listed);
        Assert.Equal(1, _ssm.GetParameterCalls(parameter));
    }

    [Fact]
    public async Task KeysThatStayRefusedAfterAReloadFailTheObjectWithTheReasonAndNoSecret()
    {
        var (source, destination) = await _engine.BucketsAsync();
        await _engine.PutSourceAsync(source, "object", RandomNumberGenerator.GetBytes(1000));
        var wrong = new AccessKey(LocalS3Harness.ChinaAccessKeyId, "wrong/secret+never-shown/W01");
        var logs = new CapturingLogger<ObjectCopier>();
        using var sourceEndpoint = S3Endpoint.Create(EngineHarness.EndpointOptions(_engine.SourceServer), 4);
        using var destinationEndpoint = S3Endpoint.Create(EngineHarness.EndpointOptions(_engine.DestinationServer, wrong.AccessKeyId, wrong.SecretAccessKey), 4);

        var result = await Copier(sourceEndpoint, destinationEndpoint, logs).CopyAsync(new CopyRequest(source, "object", destination, "object"));

        Assert.Equal(CopyOutcome.Failed, result.Outcome);
        Assert.Contains("SignatureDoesNotMatch", result.Reason, StringComparison.Ordinal);
        Assert.Contains("'china'", result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong.SecretAccessKey, result.Reason, StringComparison.Ordinal);
        Assert.Equal(1 + new RetryOptions().MaxCredentialRefreshes, destinationEndpoint.Credentials.Generation);
        AssertNoSecretIn(logs.Lines, wrong);
    }

    [Fact]
    public async Task AMissingSsmParameterFailsTheObjectWithAReasonNamingTheParameterAndTheEndpoint()
    {
        var (source, destination) = await _engine.BucketsAsync();
        await _engine.PutSourceAsync(source, "object", RandomNumberGenerator.GetBytes(1000));
        var parameter = "/s3migrate/absent/" + Guid.NewGuid().ToString("N");
        using var sourceEndpoint = S3Endpoint.Create(EngineHarness.EndpointOptions(_engine.SourceServer), 4);
        using var destinationEndpoint = S3Endpoint.Create(TestCredentials.Endpoint(_engine.DestinationServer, TestCredentials.FromParameter(_ssm, parameter)), 4);

        var result = await Copier(sourceEndpoint, destinationEndpoint).CopyAsync(new CopyRequest(source, "object", destination, "object"));

        Assert.Equal(CopyOutcome.Failed, result.Outcome);
        Assert.Contains($"endpoint 'china': SSM parameter {parameter} does not exist", result.Reason, StringComparison.Ordinal);
        Assert.Equal(1, _ssm.GetParameterCalls(parameter));
    }

    private static ObjectCopier Copier(S3Endpoint source, S3Endpoint destination, CapturingLogger<ObjectCopier>? logs = null) =>
        new(source, destination, EngineHarness.SmallParts(maxParts: 4), new MemoryUploadStateStore(), new MemoryBudgetThrottle(256L * MiB),
            logs ?? new CapturingLogger<ObjectCopier>());

    private static RetryPolicy QuickRetries() => new(
        new RetryOptions { MaxRetries = 3, BaseDelay = TimeSpan.FromMilliseconds(5), MaxDelay = TimeSpan.FromMilliseconds(50) },
        TimeProvider.System,
        new CapturingLogger<RetryPolicy>());

    private static void AssertNoSecretIn(IReadOnlyList<string> lines, params AccessKey[] keys)
    {
        Assert.NotEmpty(lines);
        foreach (var key in keys)
        {
            Assert.DoesNotContain(lines, l => l.Contains(key.SecretAccessKey, StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains(key.AccessKeyId, StringComparison.Ordinal));
        }
    }
}
