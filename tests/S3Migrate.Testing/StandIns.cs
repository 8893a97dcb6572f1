using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.SQS;

namespace S3Migrate.Testing;

/// <summary>
/// DynamoDB Local and fauxqs (SQS) running on loopback for one test process, with clients pointed at them.
/// Each instance owns its own ports and state folder, so test assemblies running in parallel processes do not
/// meet. Setting <see cref="DynamoDbUrlVariable"/> or <see cref="SqsUrlVariable"/> uses an already running
/// stand-in instead; such a stand-in is neither started nor stopped here.
/// </summary>
public sealed class StandIns : IAsyncDisposable
{
    public const string DynamoDbUrlVariable = "S3MIGRATE_TEST_DYNAMODB_URL";
    public const string SqsUrlVariable = "S3MIGRATE_TEST_SQS_URL";

    /// <summary>The region clients sign for; the stand-ins accept any.</summary>
    public const string Region = "us-east-1";

    /// <summary>A free port can be taken by another process before the stand-in binds it.</summary>
    private const int StartAttempts = 3;

    /// <summary>The stand-ins accept any key, but DynamoDB Local only one made of letters and digits.</summary>
    private static readonly BasicAWSCredentials Credentials = new("s3migratetest", "s3migratetest");

    private readonly StartedProcesses? _started;
    private int _stopped;

    private StandIns(Uri dynamoDbServiceUrl, Uri sqsServiceUrl, StartedProcesses? started)
    {
        DynamoDbServiceUrl = dynamoDbServiceUrl;
        SqsServiceUrl = sqsServiceUrl;
        _started = started;
        if (_started is not null)
        {
            AppDomain.CurrentDomain.ProcessExit += StopOnProcessExit;
        }
    }

    public Uri DynamoDbServiceUrl { get; }

    public Uri SqsServiceUrl { get; }

    /// <summary>Installs the stand-ins if needed and starts those not overridden by environment variables.</summary>
    public static async Task<StandIns> StartAsync(CancellationToken cancellationToken = default)
    {
        var dynamoDbOverride = ReadUrlOverride(DynamoDbUrlVariable);
        var sqsOverride = ReadUrlOverride(SqsUrlVariable);
        if (dynamoDbOverride is not null && sqsOverride is not null)
        {
            return new StandIns(dynamoDbOverride, sqsOverride, started: null);
        }

        var script = new StandInScript(RepositoryRoot.FullPath);
        await script.InstallAsync(cancellationToken);

        var stateDirectory = Directory.CreateDirectory(Path.Combine(
            Path.GetTempPath(), "s3migrate-standins", $"{Environment.ProcessId}-{Guid.NewGuid():N}")).FullName;
        var dynamoDb = dynamoDbOverride is null
            ? StartOnFreePortAsync(script, StandInService.DynamoDb, stateDirectory, cancellationToken)
            : Task.FromResult(dynamoDbOverride);
        var sqs = sqsOverride is null
            ? StartOnFreePortAsync(script, StandInService.Sqs, stateDirectory, cancellationToken)
            : Task.FromResult(sqsOverride);
        try
        {
            await Task.WhenAll(dynamoDb, sqs);
        }
        catch (Exception startFailure)
        {
            // One of the two may have come up; stop it. The state folder stays for its logs.
            try
            {
                await script.StopAsync(stateDirectory, CancellationToken.None);
            }
            catch (Exception stopFailure)
            {
                throw new AggregateException(startFailure, stopFailure);
            }

            throw;
        }

        return new StandIns(await dynamoDb, await sqs, new StartedProcesses(script, stateDirectory));
    }

    public AmazonDynamoDBClient CreateDynamoDbClient(Action<AmazonDynamoDBConfig>? configure = null)
    {
        var config = new AmazonDynamoDBConfig
        {
            ServiceURL = DynamoDbServiceUrl.AbsoluteUri,
            AuthenticationRegion = Region,
        };
        configure?.Invoke(config);
        return new AmazonDynamoDBClient(Credentials, config);
    }

    /// <remarks>AWSSDK.SQS v4 speaks the SQS JSON protocol, which fauxqs implements.</remarks>
    public AmazonSQSClient CreateSqsClient(Action<AmazonSQSConfig>? configure = null)
    {
        var config = new AmazonSQSConfig
        {
            ServiceURL = SqsServiceUrl.AbsoluteUri,
            AuthenticationRegion = Region,
        };
        configure?.Invoke(config);
        return new AmazonSQSClient(Credentials, config);
    }

    /// <summary>Stops the stand-ins this instance started and removes their state folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_started is null || Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= StopOnProcessExit;
        await _started.Script.StopAsync(_started.StateDirectory, CancellationToken.None);
        Directory.Delete(_started.StateDirectory, recursive: true);
    }

    private void StopOnProcessExit(object? sender, EventArgs e)
    {
        if (_started is null || Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        // An exception here would only obscure the test run's own result; the script's watchdog still stops
        // the processes once this one is gone.
        try
        {
            _started.Script.Stop(_started.StateDirectory);
        }
        catch (InvalidOperationException)
        {
        }
        catch (TimeoutException)
        {
        }
    }

    private static async Task<Uri> StartOnFreePortAsync(
        StandInScript script, StandInService service, string stateDirectory, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= StartAttempts; attempt++)
        {
            var port = LoopbackPort.FindFree();
            if (await script.TryStartAsync(service, port, stateDirectory, cancellationToken))
            {
                return new Uri($"http://127.0.0.1:{port}/");
            }
        }

        throw new InvalidOperationException($"Could not start {service}: the port picked was taken {StartAttempts} times in a row.");
    }

    /// <remarks>
    /// Tests create and delete tables and queues and sign with made-up keys; only a loopback URL is accepted so
    /// that a mistyped variable can never point them at a real account.
    /// </remarks>
    private static Uri? ReadUrlOverride(string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || !url.IsLoopback)
        {
            throw new InvalidOperationException(
                $"{variable} must be an absolute loopback URL such as http://127.0.0.1:8000 (it is '{value}').");
        }

        return url;
    }

    private sealed record StartedProcesses(StandInScript Script, string StateDirectory);
}
