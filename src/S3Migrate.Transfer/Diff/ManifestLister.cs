using System.Net;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migrate.Transfer.Copy;
using S3Migrate.Transfer.Endpoints;
using S3Migrate.Transfer.Listing;
using S3Migrate.Transfer.Retry;

namespace S3Migrate.Transfer.Diff;

/// <summary>
/// Diffs the keys a manifest names (see <see cref="ManifestReader"/>) instead of whole listings: each key is HEADed at
/// the source and, mapped, at the destination, a bounded number at a time, and reported in manifest order as
/// <see cref="DiffKind.Missing"/>, <see cref="DiffKind.Changed"/>, <see cref="DiffKind.Same"/> (when asked for) or
/// <see cref="DiffKind.SourceMissing"/> — a key the source does not have is reported with the reason, never dropped.
/// Keys outside the mapping's source prefix or left out by the filter are counted as filtered. The manifest is read
/// as it goes: memory is bounded by the concurrency, not the manifest's length.
/// </summary>
public sealed class ManifestLister
{
    private readonly S3Endpoint _source;
    private readonly S3Endpoint _destination;
    private readonly RetryPolicy _retries;
    private readonly ManifestOptions _options;
    private readonly DiffOptions _diff;

    public ManifestLister(S3Endpoint source, S3Endpoint destination, RetryPolicy retries, ManifestOptions options, DiffOptions? diff = null)
    {
        _source = source;
        _destination = destination;
        _retries = retries;
        _options = options;
        _diff = (diff ?? new DiffOptions()) with { SourceBucket = options.SourceBucket };
        if ((_options.Validate() ?? _diff.Validate()) is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }
    }

    public async IAsyncEnumerable<DiffEntry> DiffAsync(
        TextReader manifest, DiffCounters? counters = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        counters ??= new DiffCounters();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var window = new Queue<Task<DiffEntry>>();
        try
        {
            await foreach (var key in ManifestReader.ReadKeysAsync(manifest, _options.SourceBucket, _options.Format, cancellationToken))
            {
                if (!_diff.Mapping.IsSourceKey(key) || !_diff.Filter.Selects(_options.SourceBucket, key, _diff.Mapping.SourcePrefix.Length))
                {
                    counters.Filtered();
                    continue;
                }

                window.Enqueue(CheckAsync(key, stop.Token));
                if (window.Count >= _options.MaxConcurrency && Report(await window.Dequeue(), counters) is { } entry)
                {
                    yield return entry;
                }
            }

            while (window.Count > 0)
            {
                if (Report(await window.Dequeue(), counters) is { } entry)
                {
                    yield return entry;
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var check in window)
            {
                await Task.WhenAny(check);
                _ = check.Exception;
            }
        }
    }

    private DiffEntry? Report(DiffEntry entry, DiffCounters counters)
    {
        counters.Count(entry.Kind, entry.Source, entry.Destination);
        return entry.Kind != DiffKind.Same || _diff.EmitSame ? entry : null;
    }

    private async Task<DiffEntry> CheckAsync(string sourceKey, CancellationToken cancellationToken)
    {
        var destinationKey = _diff.Mapping.Map(sourceKey);
        var sourceHead = HeadAsync(_source, _options.SourceBucket, sourceKey, isSource: true, cancellationToken);
        var destinationHead = HeadAsync(_destination, _options.DestinationBucket, destinationKey, isSource: false, cancellationToken);
        var (source, sourceProblem) = await sourceHead;
        var (destination, destinationProblem) = await destinationHead;
        if (source is null)
        {
            return new DiffEntry(DiffKind.SourceMissing, sourceKey, destinationKey, null, null) { Detail = sourceProblem };
        }

        if (destination is null)
        {
            return new DiffEntry(DiffKind.Missing, sourceKey, destinationKey, source, null) { Detail = destinationProblem };
        }

        var changes = ObjectComparer.Compare(source, destination, _diff);
        return changes == ChangeReason.None
            ? new DiffEntry(DiffKind.Same, sourceKey, destinationKey, source, destination)
            : new DiffEntry(DiffKind.Changed, sourceKey, destinationKey, source, destination) { Changes = changes };
    }

    /// <summary>The object, or null and why not (for the destination, a plain 404 needs no reason: it is simply missing).</summary>
    private async Task<(ListedObject? Found, string? Problem)> HeadAsync(
        S3Endpoint endpoint, string bucket, string key, bool isSource, CancellationToken cancellationToken)
    {
        using var scope = ObjectKeyScope.Enter((bucket, key));
        try
        {
            var head = await _retries.ExecuteAsync("HeadObject", endpoint, token => endpoint.Client.GetObjectMetadataAsync(new GetObjectMetadataRequest
            {
                BucketName = bucket,
                Key = key,
                RequestPayer = isSource && _options.RequesterPaysSource ? RequestPayer.Requester : null,
            }, token), cancellationToken);
            return (new ListedObject(
                key,
                head.ContentLength,
                SourceObject.Unquote(head.ETag),
                head.LastModified is { } modified ? S3ObjectLister.AsUtc(modified) : null,
                head.StorageClass?.Value), null);
        }
        catch (PermanentTransferException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound })
        {
            return (null, isSource ? $"not found at the source ({e.Message})" : null);
        }
        catch (PermanentTransferException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden })
        {
            return (null, $"{e.Message} (S3 also answers 403 for a key that does not exist when s3:ListBucket is not granted)");
        }
        catch (PermanentTransferException e)
        {
            return (null, e.Message);
        }
    }
}
