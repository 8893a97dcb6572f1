using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migrate.LocalS3.Faults;
using S3Migrate.LocalS3.Hosting;
using S3Migrate.Testing;

namespace S3Migrate.Cli.Tests;

/// <summary>
/// What an operator has when running s3migrate: two S3 endpoints — LocalS3's "global" (us-east-1) and "china"
/// (cn-north-1), each with its own keys — a settings file naming them, and a working directory. Tests arrange and check
/// buckets through their own SDK clients and run the console as a separate process.
/// </summary>
public sealed class CliHarness : IAsyncDisposable
{
    public const int MiB = 1024 * 1024;

    private readonly AmazonS3Client _global;
    private readonly AmazonS3Client _china;

    private CliHarness(LocalS3Harness s3, string workDirectory)
    {
        S3 = s3;
        WorkDirectory = workDirectory;
        _global = s3.Client(s3.Global);
        _china = s3.Client(s3.China);
        Environment = Programs.Environment(workDirectory);
        SettingsFile = WriteSettings("s3migrate.json", Settings());
    }

    public LocalS3Harness S3 { get; }

    public LocalS3Endpoint GlobalServer => S3.Global;

    public LocalS3Endpoint ChinaServer => S3.China;

    /// <summary>The process's working directory and home; deleted at the end.</summary>
    public string WorkDirectory { get; }

    /// <summary>Where copy keeps its resume records (--state-dir).</summary>
    public string StateDirectory => Path.Combine(WorkDirectory, "state");

    /// <summary>A settings file with the endpoints "global" and "china" and their keys.</summary>
    public string SettingsFile { get; }

    public Dictionary<string, string?> Environment { get; }

    public static async Task<CliHarness> StartAsync(Func<LocalS3EndpointOptions, LocalS3EndpointOptions>? configureS3 = null) =>
        new(await LocalS3Harness.StartAsync(configureS3), Directory.CreateTempSubdirectory("s3migrate-cli-").FullName);

    public AmazonS3Client Client(LocalS3Endpoint endpoint) => endpoint == GlobalServer ? _global : _china;

    /// <summary>The settings file's shape: {"Endpoints": {"global": {...}, "china": {...}}}.</summary>
    public JsonObject Settings() => new()
    {
        ["Endpoints"] = new JsonObject
        {
            [LocalS3Harness.GlobalName] = EndpointSettings(GlobalServer),
            [LocalS3Harness.ChinaName] = EndpointSettings(ChinaServer),
        },
    };

    public static JsonObject EndpointSettings(LocalS3Endpoint endpoint, string? secretAccessKey = null) => new()
    {
        ["ServiceUrl"] = endpoint.ServiceUrl.AbsoluteUri,
        ["Region"] = endpoint.Options.Region,
        ["Credentials"] = new JsonObject
        {
            ["AccessKeyId"] = endpoint.Options.AccessKeys[0].AccessKeyId,
            ["SecretAccessKey"] = secretAccessKey ?? endpoint.Options.AccessKeys[0].SecretAccessKey,
        },
    };

    public string WriteSettings(string name, JsonObject settings)
    {
        var path = Path.Combine(WorkDirectory, name);
        File.WriteAllText(path, settings.ToJsonString());
        return path;
    }

    public string WriteFile(string name, string text)
    {
        var path = Path.Combine(WorkDirectory, name);
        File.WriteAllText(path, text);
        return path;
    }

    public async Task<string> BucketAsync(LocalS3Endpoint endpoint, string prefix)
    {
        var bucket = UniqueName.For(prefix);
        await Client(endpoint).PutBucketAsync(bucket);
        return bucket;
    }

    /// <summary>Puts every object (a few at a time); large ones as multipart uploads of <paramref name="partSize"/> when given.</summary>
    public async Task PutAsync(LocalS3Endpoint endpoint, string bucket, IReadOnlyDictionary<string, byte[]> objects, int? partSize = null)
    {
        var client = Client(endpoint);
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (entry, token) =>
        {
            if (partSize is { } size && entry.Value.Length > size)
            {
                await PutMultipartAsync(client, bucket, entry.Key, entry.Value, size, token);
                return;
            }

            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = entry.Key, InputStream = new MemoryStream(entry.Value) }, token);
        });

        // The server counts a request once its response is written, which can be just after the client has read it:
        // let the counters settle, so that a reset after arranging does not leave these requests behind.
        await SettleAsync(endpoint);
    }

    private static async Task SettleAsync(LocalS3Endpoint endpoint)
    {
        var last = -1L;
        for (var i = 0; i < 40 && endpoint.Counters.TotalRequests != last; i++)
        {
            last = endpoint.Counters.TotalRequests;
            await Task.Delay(50);
        }
    }

    public async Task<byte[]> GetAsync(LocalS3Endpoint endpoint, string bucket, string key)
    {
        using var response = await Client(endpoint).GetObjectAsync(bucket, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    /// <summary>Every key in the bucket under <paramref name="prefix"/>, in listing order.</summary>
    public async Task<IReadOnlyList<string>> KeysAsync(LocalS3Endpoint endpoint, string bucket, string prefix = "")
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        ListObjectsV2Response page;
        do
        {
            page = await Client(endpoint).ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(static o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        return keys;
    }

    /// <summary>Asserts that every source object is at its destination key with exactly the same bytes.</summary>
    public async Task AssertCopiedAsync(IReadOnlyDictionary<string, byte[]> objects, string destinationBucket, Func<string, string> destinationKey)
    {
        var wrong = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (entry, _) =>
        {
            var key = destinationKey(entry.Key);
            try
            {
                var copied = await GetAsync(ChinaServer, destinationBucket, key);
                if (!copied.AsSpan().SequenceEqual(entry.Value))
                {
                    wrong.Add($"{key}: {copied.Length} bytes differ from the source's {entry.Value.Length}");
                }
            }
            catch (AmazonS3Exception e)
            {
                wrong.Add($"{key}: {e.ErrorCode}");
            }
        });
        Assert.True(wrong.IsEmpty, $"{wrong.Count} of {objects.Count} objects not copied byte for byte:\n{string.Join('\n', wrong.Take(20))}");
    }

    /// <summary>Requests that would change something at the endpoint: the source must never see one.</summary>
    public static IReadOnlyList<RequestRecord> Writes(LocalS3Endpoint endpoint) =>
        endpoint.Counters.Journal(static r => r.Method is "PUT" or "POST" or "DELETE");

    /// <summary>copy SRC DST between the configured endpoints, with resume records in this harness's state directory.</summary>
    public string[] Copy(string source, string destination, params string[] options) =>
        ["copy", source, destination, "--from", LocalS3Harness.GlobalName, "--to", LocalS3Harness.ChinaName, "--config", SettingsFile, "--state-dir", StateDirectory, .. options];

    public Task<ProcessResult> CliAsync(IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        Programs.RunAsync(Programs.Cli, arguments, Environment, WorkDirectory, timeout);

    public Task<ProcessResult> CliAsync(params string[] arguments) => CliAsync((IEnumerable<string>)arguments);

    public RunningProcess StartCli(params string[] arguments) => Programs.Start(Programs.Cli, arguments, Environment, WorkDirectory);

    /// <summary>Deterministic content: the same seed always gives the same bytes.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        _global.Dispose();
        _china.Dispose();
        await S3.DisposeAsync();
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A process that was killed may still hold a file for a moment; the temp folder is cleaned eventually.
        }
    }

    private static async Task PutMultipartAsync(AmazonS3Client client, string bucket, string key, byte[] data, int partSize, CancellationToken cancellationToken)
    {
        var uploadId = (await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, cancellationToken)).UploadId;
        var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId };
        for (var (offset, number) = (0, 1); offset < data.Length; offset += partSize, number++)
        {
            var part = await client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = uploadId,
                PartNumber = number,
                InputStream = new MemoryStream(data, offset, Math.Min(partSize, data.Length - offset)),
            }, cancellationToken);
            complete.AddPartETagsAndChecksums([part]);
        }

        await client.CompleteMultipartUploadAsync(complete, cancellationToken);
    }
}
