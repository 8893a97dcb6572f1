using System.Diagnostics;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migrate.LocalS3.Faults;
using S3Migrate.Testing;
using S3Migrate.Transfer.Endpoints;

namespace S3Migrate.Transfer.Tests.Endpoints;

/// <summary>
/// Where an endpoint's requests go: the partition and DNS suffix follow the region (cn-* is aws-cn on
/// amazonaws.com.cn), a service URL is used as given with path-style addressing, TLS is required except to loopback,
/// and the client's connection pool is the endpoint's own, sized to its concurrency.
/// </summary>
public sealed class EndpointResolutionTests
{
    [Theory]
    [InlineData("cn-north-1", "aws-cn", "amazonaws.com.cn", "s3.cn-north-1.amazonaws.com.cn")]
    [InlineData("cn-northwest-1", "aws-cn", "amazonaws.com.cn", "s3.cn-northwest-1.amazonaws.com.cn")]
    [InlineData("us-east-1", "aws", "amazonaws.com", "s3.us-east-1.amazonaws.com")]
    [InlineData("eu-west-1", "aws", "amazonaws.com", "s3.eu-west-1.amazonaws.com")]
    public void ARegionResolvesToItsPartitionAndItsPartitionsDnsSuffixOverTls(string region, string partition, string suffix, string host)
    {
        var options = new S3EndpointOptions { Name = "aws-endpoint", Region = region };
        using var endpoint = S3Endpoint.Create(options, maxConnections: 4);

        var url = new Uri(((AmazonS3Client)endpoint.Client).DetermineServiceOperationEndpoint(new ListObjectsV2Request { BucketName = "bucket" }).URL);

        Assert.Equal(partition, options.Partition);
        Assert.Equal(suffix, options.DnsSuffix);
        Assert.Equal(Uri.UriSchemeHttps, url.Scheme);
        Assert.Equal("bucket." + host, url.Host);
        Assert.True(options.UsesTls);
    }

    [Fact]
    public void AServiceUrlIsUsedAsGivenWithPathStyleAddressingAndTheRegionSigned()
    {
        var options = new S3EndpointOptions { Name = "minio", ServiceUrl = new Uri("https://s3.storage.example:9443"), Region = "cn-north-1" };
        using var endpoint = S3Endpoint.Create(options, maxConnections: 4);

        var url = new Uri(((AmazonS3Client)endpoint.Client).DetermineServiceOperationEndpoint(new ListObjectsV2Request { BucketName = "bucket" }).URL);

        Assert.Equal("s3.storage.example", url.Host);
        Assert.Equal(9443, url.Port);
        Assert.StartsWith("/bucket", url.AbsolutePath, StringComparison.Ordinal);
        Assert.True(((AmazonS3Config)endpoint.Client.Config).ForcePathStyle);
        Assert.Equal("cn-north-1", endpoint.Client.Config.AuthenticationRegion);
        Assert.Equal("aws-cn", options.Partition);
    }

    [Fact]
    public void ARegionEndpointUsesVirtualHostedAddressingUnlessPathStyleIsAsked()
    {
        using var virtualHosted = S3Endpoint.Create(new S3EndpointOptions { Name = "vh", Region = "us-east-1" }, 4);
        using var pathStyle = S3Endpoint.Create(new S3EndpointOptions { Name = "ps", Region = "us-east-1", ForcePathStyle = true }, 4);

        Assert.False(((AmazonS3Config)virtualHosted.Client.Config).ForcePathStyle);
        Assert.True(((AmazonS3Config)pathStyle.Client.Config).ForcePathStyle);
    }

    [Theory]
    [InlineData("http://s3.storage.example:9000")]
    [InlineData("http://10.1.2.3:9000")]
    [InlineData("http://localhost.storage.example")]
    public void PlainHttpToAHostThatIsNotLoopbackIsRefusedInOneLineNamingTheEndpoint(string url)
    {
        var options = new S3EndpointOptions { Name = "insecure-store", ServiceUrl = new Uri(url) };

        var error = Assert.Throws<EndpointConfigurationException>(() => S3Endpoint.Create(options, 4));

        Assert.Contains("'insecure-store'", error.Message, StringComparison.Ordinal);
        Assert.Contains("http", error.Message, StringComparison.Ordinal);
        Assert.Contains(new Uri(url).Host, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9000")]
    [InlineData("http://localhost:9000")]
    [InlineData("http://[::1]:9000")]
    [InlineData("https://s3.storage.example")]
    public void HttpsAnywhereAndPlainHttpToLoopbackAreAccepted(string url)
    {
        using var endpoint = S3Endpoint.Create(new S3EndpointOptions { Name = "store", ServiceUrl = new Uri(url) }, 4);

        Assert.Equal(url.StartsWith("https", StringComparison.Ordinal), endpoint.Options.UsesTls);
    }

    [Theory]
    [InlineData(null, null, "set a region")]
    [InlineData("mars-north-1x", null, "is not a region name")]
    [InlineData(null, "ftp://127.0.0.1/", "absolute http or https URL")]
    public void UnusableSettingsAreRefusedInOneLineNamingTheEndpoint(string? region, string? url, string expected)
    {
        var options = new S3EndpointOptions { Name = "broken", Region = region, ServiceUrl = url is null ? null : new Uri(url) };

        var error = Assert.Throws<EndpointConfigurationException>(() => S3Endpoint.Create(options, 4));

        Assert.StartsWith("endpoint 'broken': ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("https://s3.storage.example")]
    public void StaticKeysAreForLoopbackDevelopmentEndpointsOnly(string? url)
    {
        var options = new S3EndpointOptions
        {
            Name = "prod",
            Region = "cn-north-1",
            ServiceUrl = url is null ? null : new Uri(url),
            Credentials = new CredentialSourceOptions { Kind = CredentialSourceKind.Static, AccessKeyId = "AKIAEXAMPLE00000001", SecretAccessKey = "secret" },
        };

        var error = Assert.Throws<EndpointConfigurationException>(() => S3Endpoint.Create(options, 4));

        Assert.Contains("'prod'", error.Message, StringComparison.Ordinal);
        Assert.Contains("loopback", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEndpointWhoseRegionComesFromItsSsmParameterMustBeCreatedAsynchronously()
    {
        var options = new S3EndpointOptions
        {
            Name = "remote",
            Credentials = new CredentialSourceOptions { Kind = CredentialSourceKind.SsmParameter, ParameterName = "/migration/remote" },
        };

        Assert.Null(options.Validate());
        var error = Assert.Throws<EndpointConfigurationException>(() => S3Endpoint.Create(options, 4));
        Assert.Contains("CreateAsync", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EachEndpointHasAPoolOfItsOwnThatTheSdkUsesForEveryRequest()
    {
        using var first = new PooledHttpClientFactory(8, null);
        using var second = new PooledHttpClientFactory(8, null);
        var config = new AmazonS3Config { ServiceURL = "http://127.0.0.1:9000" };

        var client = first.CreateHttpClient(config);

        Assert.Same(client, first.CreateHttpClient(config));
        Assert.NotSame(client, second.CreateHttpClient(config));
        Assert.False(first.UseSDKHttpClientCaching(config));
        Assert.Equal(8, first.MaxConnections);
    }

    [Fact]
    public async Task ThePoolIsSizedToTheConfiguredConcurrency()
    {
        await using var s3 = await LocalS3Harness.StartAsync();
        var latency = TimeSpan.FromMilliseconds(300);
        const int Connections = 2;
        const int Requests = 6;
        using var endpoint = S3Endpoint.Create(EngineHarness.EndpointOptions(s3.Global), maxConnections: Connections);
        var bucket = UniqueName.For("pool");
        await endpoint.Client.PutBucketAsync(bucket);
        s3.Global.Faults.Apply(new FaultSettings { Latency = latency });

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Requests).Select(_ => endpoint.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })));
        clock.Stop();

        // Two connections carry six requests of 300 ms in at least three rounds; an unbounded pool would need one.
        Assert.Equal(Connections, endpoint.MaxConnections);
        Assert.True(clock.Elapsed >= latency * (Requests / Connections) * 0.95, $"took {clock.Elapsed.TotalMilliseconds:F0} ms");
    }
}
