using System.Collections.Concurrent;
using System.Globalization;
using Amazon;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace S3Migrate.Orleans.Aws.Streaming;

/// <summary>The provider's SQS client and the URLs of its queues, looked up (or created, when allowed) on first use.</summary>
public sealed class SqsQueues : IDisposable
{
    /// <summary>Emulators need some key to sign with; used only with <see cref="SqsStreamOptions.ServiceUrl"/>.</summary>
    private static readonly BasicAWSCredentials LocalEndpointCredentials = new("orleanslocal", "orleanslocal");

    private readonly SqsStreamOptions _options;
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _urls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _receiving = new(StringComparer.Ordinal);

    public SqsQueues(SqsStreamOptions options, IAmazonSQS? client = null)
    {
        _options = options;
        Client = client ?? CreateClient(options);
    }

    public IAmazonSQS Client { get; }

    /// <summary>The queue's URL; a failed lookup is tried again next time.</summary>
    public async Task<string> UrlAsync(string queueName, CancellationToken cancellationToken)
    {
        var lazy = _urls.GetOrAdd(queueName, name => new Lazy<Task<string>>(() => LookUpAsync(name, CancellationToken.None)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (lazy.Value.IsFaulted)
        {
            _urls.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(queueName, lazy));
            throw;
        }
    }

    /// <summary>
    /// Claims the silo's one receive from a queue. Several pulling agents of a silo may read the same physical queue;
    /// any of them can deliver any message, so a second long poll from the same silo would only add empty receives.
    /// </summary>
    /// <returns>False while another agent of this silo is receiving from the queue; otherwise release with <see cref="EndReceive"/>.</returns>
    public bool TryBeginReceive(string queueName) => _receiving.GetOrAdd(queueName, static _ => new SemaphoreSlim(1, 1)).Wait(0);

    public void EndReceive(string queueName) => _receiving[queueName].Release();

    public void Dispose() => Client.Dispose();

    private async Task<string> LookUpAsync(string queueName, CancellationToken cancellationToken)
    {
        try
        {
            return (await Client.GetQueueUrlAsync(new GetQueueUrlRequest { QueueName = queueName }, cancellationToken)).QueueUrl;
        }
        catch (QueueDoesNotExistException) when (_options.CreateQueues)
        {
            var created = await Client.CreateQueueAsync(new CreateQueueRequest
            {
                QueueName = queueName,
                Attributes = new Dictionary<string, string>
                {
                    ["VisibilityTimeout"] = ((int)_options.VisibilityTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
                },
            }, cancellationToken);
            return created.QueueUrl;
        }
        catch (QueueDoesNotExistException e)
        {
            throw new InvalidOperationException($"SQS queue '{queueName}' does not exist", e);
        }
    }

    private static AmazonSQSClient CreateClient(SqsStreamOptions options)
    {
        if (options.ServiceUrl is { } serviceUrl)
        {
            return new AmazonSQSClient(LocalEndpointCredentials, new AmazonSQSConfig
            {
                ServiceURL = serviceUrl.AbsoluteUri,
                AuthenticationRegion = options.Region ?? "us-east-1",
            });
        }

        var config = new AmazonSQSConfig();
        if (!string.IsNullOrEmpty(options.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        return new AmazonSQSClient(config);
    }
}
