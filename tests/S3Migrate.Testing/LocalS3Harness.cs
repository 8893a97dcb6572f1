using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using S3Migrate.LocalS3.Auth;
using S3Migrate.LocalS3.Hosting;

namespace S3Migrate.Testing;

/// <summary>
/// Two LocalS3 endpoints in this process, as a migration sees them: "global" (us-east-1) and "china" (cn-north-1),
/// each with its own keys, plus a read-only key on each. Tests reach them through the AWS SDK.
/// </summary>
public sealed class LocalS3Harness : IAsyncDisposable
{
    public const string GlobalName = "global";
    public const string ChinaName = "china";
    public const string GlobalRegion = "us-east-1";
    public const string ChinaRegion = "cn-north-1";
    public const string GlobalAccessKeyId = "AKIAGLOBALTEST00001";
    public const string GlobalSecretAccessKey = "global/secret+key/for+tests/0000000000";
    public const string ChinaAccessKeyId = "AKIACHINATEST000001";
    public const string ChinaSecretAccessKey = "china/secret+key/for+tests/00000000000";
    public const string ReadOnlySuffix = "RO";

    private LocalS3Harness(LocalS3Server server) => Server = server;

    public LocalS3Server Server { get; }

    public LocalS3Endpoint Global => Server[GlobalName];

    public LocalS3Endpoint China => Server[ChinaName];

    static LocalS3Harness()
    {
        // AWSSDK v4 leaves request and response collections null unless told otherwise.
        AWSConfigs.InitializeCollections = true;
    }

    /// <summary>Starts both endpoints; <paramref name="configure"/> may change each endpoint's options (HTTPS, disk, part minimum…).</summary>
    public static async Task<LocalS3Harness> StartAsync(
        Func<LocalS3EndpointOptions, LocalS3EndpointOptions>? configure = null, string? adminAddress = null)
    {
        configure ??= static o => o;
        var server = await LocalS3Server.StartAsync(new LocalS3ServerOptions
        {
            Endpoints =
            [
                configure(Endpoint(GlobalName, GlobalRegion, GlobalAccessKeyId, GlobalSecretAccessKey)),
                configure(Endpoint(ChinaName, ChinaRegion, ChinaAccessKeyId, ChinaSecretAccessKey)),
            ],
            AdminAddress = adminAddress,
        });
        return new LocalS3Harness(server);
    }

    public AmazonS3Client Client(LocalS3Endpoint endpoint, S3ClientOptions? options = null)
    {
        options ??= new S3ClientOptions();
        var key = endpoint.Options.AccessKeys[0];
        var config = new AmazonS3Config
        {
            ServiceURL = endpoint.Options.VirtualHostSuffixes.Count > 0 && options.VirtualHosted
                ? $"{endpoint.ServiceUrl.Scheme}://localhost:{endpoint.ServiceUrl.Port}"
                : endpoint.ServiceUrl.AbsoluteUri,
            ForcePathStyle = !options.VirtualHosted,
            AuthenticationRegion = options.Region ?? endpoint.Options.Region,
            MaxErrorRetry = options.MaxErrorRetry,
            RequestChecksumCalculation = options.WhenRequiredChecksums ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED,
            ResponseChecksumValidation = options.WhenRequiredChecksums ? ResponseChecksumValidation.WHEN_REQUIRED : ResponseChecksumValidation.WHEN_SUPPORTED,
            HttpClientFactory = new LoopbackHttpClientFactory(endpoint.ServiceUrl.Port, Server.Certificate?.Authority),
        };
        return new AmazonS3Client(
            new BasicAWSCredentials(options.AccessKeyId ?? key.AccessKeyId, options.SecretAccessKey ?? key.SecretAccessKey), config);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private static LocalS3EndpointOptions Endpoint(string name, string region, string accessKeyId, string secretAccessKey) => new()
    {
        Name = name,
        Region = region,
        AccessKeys =
        [
            new AccessKey(accessKeyId, secretAccessKey),
            new AccessKey(accessKeyId + ReadOnlySuffix, secretAccessKey, AccessRights.Read),
        ],
    };
}
