using System.Collections.Concurrent;
using System.Globalization;
using Amazon;
using Microsoft.Extensions.Logging.Abstractions;
using S3Migrate.Transfer.Copy;
using S3Migrate.Transfer.Endpoints;
using S3Migrate.Transfer.Listing;
using S3Migrate.Transfer.Planning;
using S3Migrate.Transfer.Resume;

namespace S3Migrate.Benchmarks;

/// <summary>
/// The in-process contenders of <see cref="EngineBenchmark"/>, each run in a child process of its own (the hidden
/// <c>engine-worker</c> command) so that its CPU time and peak RSS can be measured alone: the engine
/// (<see cref="ObjectCopier"/> over a <see cref="S3ObjectLister"/> listing, a bounded number of objects at once, every
/// result checked) and the ceiling (raw parallel GET + PUT of the same bytes, no hashing, no checks). Both print one
/// line, <c>worker: listed=N copied=N failed=N bytes=N peak-rss=N gc=G0/G1/G2 gc-pause=S allocated=MiB</c> (for the engine, copied means <see cref="CopyResult.Succeeded"/>: verified).
/// </summary>
public static class EngineWorker
{
    public const string Command = "engine-worker";
    public const string EngineContender = "engine";
    public const string CeilingContender = "ceiling";

    private const int FailuresShown = 5;

    /// <summary>The arguments after <see cref="Command"/>, in <see cref="Arguments"/>'s order.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args.Count != 9)
        {
            await Console.Error.WriteLineAsync($"usage: {Command} engine|ceiling SOURCE SOURCE_BUCKET DESTINATION DESTINATION_BUCKET OBJECTS PARTS_PER_OBJECT PARTS_IN_FLIGHT PART_SIZE");
            return 1;
        }

        AWSConfigs.InitializeCollections = true;
        var settings = new Settings(
            LocalS3Pair.Endpoint.Parse(args[1]), args[2], LocalS3Pair.Endpoint.Parse(args[3]), args[4],
            int.Parse(args[5], CultureInfo.InvariantCulture), int.Parse(args[6], CultureInfo.InvariantCulture),
            int.Parse(args[7], CultureInfo.InvariantCulture), long.Parse(args[8], CultureInfo.InvariantCulture));
        var tally = new Tally();
        switch (args[0])
        {
            case EngineContender:
                await RunEngineAsync(settings, tally);
                break;
            case CeilingContender:
                await RunCeilingAsync(settings, tally);
                break;
            default:
                await Console.Error.WriteLineAsync($"{Command}: unknown contender '{args[0]}'");
                return 1;
        }

        foreach (var failure in tally.Failures.Take(FailuresShown))
        {
            await Console.Error.WriteLineAsync("failed: " + failure);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"worker: listed={tally.Listed} copied={tally.Copied} failed={tally.Failures.Count} bytes={tally.Bytes} peak-rss={MeasuredProcess.OwnPeakResidentBytes()} " +
            $"gc={GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} gc-pause={GC.GetTotalPauseDuration().TotalSeconds:F2}s " +
            $"allocated={GC.GetTotalAllocatedBytes() / (1024 * 1024)}MiB"));
        return tally.Failures.IsEmpty && tally.Copied == tally.Listed ? 0 : 2;
    }

    public static IReadOnlyList<string> Arguments(
        string contender, LocalS3Pair.Endpoint source, string sourceBucket, LocalS3Pair.Endpoint destination, string destinationBucket,
        int objects, int partsPerObject, int partsInFlight, long partSize) =>
    [
        Command, contender, source.ToArgument(), sourceBucket, destination.ToArgument(), destinationBucket,
        objects.ToString(CultureInfo.InvariantCulture), partsPerObject.ToString(CultureInfo.InvariantCulture),
        partsInFlight.ToString(CultureInfo.InvariantCulture), partSize.ToString(CultureInfo.InvariantCulture),
    ];

    /// <summary>The engine as a migration drives it: listing streamed into a bounded number of concurrent object copies.</summary>
    private static async Task RunEngineAsync(Settings settings, Tally tally)
    {
        var connections = settings.Objects * settings.PartsPerObject;
        using var source = S3Endpoint.Create(EndpointOptions(settings.Source), connections);
        using var destination = S3Endpoint.Create(EndpointOptions(settings.Destination), connections);
        var options = new TransferOptions
        {
            Parts = new PartSizing { PartSize = settings.PartSize, SmallObjectThreshold = settings.PartSize },
            MaxPartsPerObject = settings.PartsPerObject,
        };
        var throttle = new MemoryBudgetThrottle(settings.PartsInFlight * settings.PartSize);
        var copier = new ObjectCopier(source, destination, options, new MemoryUploadStateStore(), throttle, NullLogger<ObjectCopier>.Instance);
        var lister = new S3ObjectLister(source, copier.Retries);
        await Parallel.ForEachAsync(
            lister.ListAsync(settings.SourceBucket, string.Empty, null),
            new ParallelOptions { MaxDegreeOfParallelism = settings.Objects },
            async (listed, token) =>
            {
                Interlocked.Increment(ref tally.Listed);
                var result = await copier.CopyAsync(new CopyRequest(settings.SourceBucket, listed.Key, settings.DestinationBucket, listed.Key)
                {
                    ExpectedETag = listed.ETag,
                    ExpectedSize = listed.Size,
                }, progress: null, token);
                if (result.Succeeded)
                {
                    Interlocked.Increment(ref tally.Copied);
                    Interlocked.Add(ref tally.Bytes, result.Size);
                }
                else
                {
                    tally.Failures.Enqueue($"{listed.Key}: {result.Outcome}: {result.Reason}");
                }
            });
    }

    /// <summary>The ceiling: the same concurrency, bytes streamed from each GET straight into its PUT or UploadPart.</summary>
    private static async Task RunCeilingAsync(Settings settings, Tally tally)
    {
        var connections = settings.Objects * settings.PartsPerObject;
        using var source = new RawS3Client(settings.Source, connections);
        using var destination = new RawS3Client(settings.Destination, connections);
        await Parallel.ForEachAsync(
            source.ListAsync(settings.SourceBucket, CancellationToken.None),
            new ParallelOptions { MaxDegreeOfParallelism = settings.Objects },
            async (listed, token) =>
            {
                Interlocked.Increment(ref tally.Listed);
                var (key, size) = listed;
                if (size <= settings.PartSize)
                {
                    await CopyRangeAsync(key, part: null, 0, size, token);
                }
                else
                {
                    var uploadId = await destination.CreateUploadAsync(settings.DestinationBucket, key, token);
                    var count = (int)((size + settings.PartSize - 1) / settings.PartSize);
                    var etags = new string[count];
                    await Parallel.ForEachAsync(Enumerable.Range(1, count), new ParallelOptions { MaxDegreeOfParallelism = settings.PartsPerObject, CancellationToken = token },
                        async (n, partToken) =>
                        {
                            var offset = (n - 1) * settings.PartSize;
                            etags[n - 1] = await CopyRangeAsync(key, (n, uploadId), offset, Math.Min(settings.PartSize, size - offset), partToken);
                        });
                    await destination.CompleteUploadAsync(settings.DestinationBucket, key, uploadId, etags, token);
                }

                Interlocked.Increment(ref tally.Copied);
                Interlocked.Add(ref tally.Bytes, size);
            });

        async Task<string> CopyRangeAsync(string key, (int, string)? part, long offset, long length, CancellationToken token)
        {
            using var get = await source.GetAsync(settings.SourceBucket, key, part is null ? null : (offset, length), token);
            await using var body = await get.Content.ReadAsStreamAsync(token);
            return await destination.PutAsync(settings.DestinationBucket, key, part, body, length, token);
        }
    }

    private static S3EndpointOptions EndpointOptions(LocalS3Pair.Endpoint endpoint) => new()
    {
        Name = endpoint.Name,
        ServiceUrl = endpoint.ServiceUrl,
        Region = endpoint.Region,
        Credentials = new CredentialSourceOptions
        {
            Kind = CredentialSourceKind.Static,
            AccessKeyId = endpoint.AccessKeyId,
            SecretAccessKey = endpoint.SecretAccessKey,
        },
    };

    private sealed record Settings(
        LocalS3Pair.Endpoint Source, string SourceBucket, LocalS3Pair.Endpoint Destination, string DestinationBucket,
        int Objects, int PartsPerObject, int PartsInFlight, long PartSize);

    private sealed class Tally
    {
        public int Listed;
        public int Copied;
        public long Bytes;

        public ConcurrentQueue<string> Failures { get; } = new();
    }
}
