using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using S3Migrate.Transfer.Copy;
using S3Migrate.Transfer.Endpoints;
using S3Migrate.Transfer.Retry;

namespace S3Migrate.Transfer.Listing;

/// <summary>
/// Streams ListObjectsV2 pages: one page in memory at a time, every page through the retry policy. Keys are asked
/// for with <c>encoding-type=url</c> (XML 1.0 cannot carry control characters) and decoded here, so they come out
/// exactly as stored.
/// </summary>
public sealed class S3ObjectLister : IObjectLister, IPrefixLister
{
    private const string Operation = "ListObjectsV2";

    private readonly S3Endpoint _endpoint;
    private readonly RetryPolicy _retries;
    private readonly ListingOptions _options;

    public S3ObjectLister(S3Endpoint endpoint, RetryPolicy retries, ListingOptions? options = null)
    {
        _endpoint = endpoint;
        _retries = retries;
        _options = options ?? new ListingOptions();
        if (_options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }
    }

    public async IAsyncEnumerable<ListedObject> ListAsync(
        string bucket, string prefix, string? startAfter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = Request(bucket, prefix, delimiter: null);
        request.StartAfter = string.IsNullOrEmpty(startAfter) ? null : startAfter;
        while (true)
        {
            var page = await _retries.ExecuteAsync(Operation, _endpoint, token => _endpoint.Client.ListObjectsV2Async(request, token), cancellationToken);
            var encoded = IsUrlEncoded(page);
            foreach (var listed in page.S3Objects ?? [])
            {
                yield return ToListedObject(listed, encoded);
            }

            if (!NextPage(request, page, bucket))
            {
                yield break;
            }
        }
    }

    public async IAsyncEnumerable<string> ListCommonPrefixesAsync(
        string bucket, string prefix, string delimiter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(delimiter);
        var request = Request(bucket, prefix, delimiter);
        while (true)
        {
            var page = await _retries.ExecuteAsync(Operation, _endpoint, token => _endpoint.Client.ListObjectsV2Async(request, token), cancellationToken);
            var encoded = IsUrlEncoded(page);
            foreach (var common in page.CommonPrefixes ?? [])
            {
                yield return encoded ? UrlEncodedKey.Decode(common) : common;
            }

            if (!NextPage(request, page, bucket))
            {
                yield break;
            }
        }
    }

    private ListObjectsV2Request Request(string bucket, string prefix, string? delimiter) => new()
    {
        BucketName = bucket,
        Prefix = string.IsNullOrEmpty(prefix) ? null : prefix,
        Delimiter = delimiter,
        MaxKeys = _options.PageSize,
        Encoding = EncodingType.Url,
        RequestPayer = _options.RequesterPays ? RequestPayer.Requester : null,
    };

    /// <summary>A server that ignores encoding-type says so by leaving EncodingType out; its keys are then raw.</summary>
    private static bool IsUrlEncoded(ListObjectsV2Response page) => page.Encoding == EncodingType.Url;

    private bool NextPage(ListObjectsV2Request request, ListObjectsV2Response page, string bucket)
    {
        if (page.IsTruncated != true)
        {
            return false;
        }

        if (string.IsNullOrEmpty(page.NextContinuationToken))
        {
            throw new PermanentTransferException(
                $"{Operation} on endpoint '{_endpoint.Name}', bucket '{bucket}': the page is truncated but carries no continuation token");
        }

        request.ContinuationToken = page.NextContinuationToken;
        return true;
    }

    private static ListedObject ToListedObject(S3Object listed, bool encoded) => new(
        encoded ? UrlEncodedKey.Decode(listed.Key) : listed.Key,
        listed.Size ?? 0,
        SourceObject.Unquote(listed.ETag),
        listed.LastModified is { } modified ? AsUtc(modified) : null,
        listed.StorageClass?.Value,
        listed.ChecksumAlgorithm is [var algorithm, ..] ? algorithm.ToString() : null);

    internal static DateTimeOffset AsUtc(DateTime time) =>
        new(time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time.ToUniversalTime());
}
