using Amazon.S3;
using S3Migrate.Transfer.Endpoints;

namespace S3Migrate.Transfer.Copy;

/// <summary>The state of one copy across its attempts.</summary>
internal sealed class CopyContext(CopyRequest request, ICopyProgress? progress)
{
    public CopyRequest Request { get; } = request;

    public ICopyProgress? Progress { get; } = progress;

    /// <summary>What the first read is pinned to; cleared when the source turns out to have changed.</summary>
    public string? ExpectedETag { get; set; } = request.ExpectedETag;

    public long? ExpectedSize { get; set; } = request.ExpectedSize;

    public bool SourceChanged { get; set; }

    public long BytesTransferred;

    public int PartsUploaded;

    public int PartsReused;

    public RequestPayer? Payer => Request.Options.RequesterPaysSource ? RequestPayer.Requester : null;

    public void AddBytes(long count)
    {
        Interlocked.Add(ref BytesTransferred, count);
        Progress?.BytesTransferred(count);
    }

    /// <summary>A read of the source pinned to <paramref name="source"/> (or to what the copy expects before its first read).</summary>
    public ObjectGetRequest Get(SourceObject? source) => new(Request.SourceBucket, Request.SourceKey)
    {
        VersionId = source?.VersionId ?? Request.SourceVersionId,
        IfMatch = Quote(source?.ETag ?? ExpectedETag),
        RequesterPays = Request.Options.RequesterPaysSource,
    };

    public static string? Quote(string? etag) => etag is null ? null : "\"" + etag + "\"";
}
