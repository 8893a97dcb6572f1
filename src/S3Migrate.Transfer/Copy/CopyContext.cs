using Amazon.S3;
using Amazon.S3.Model;

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

    public GetObjectRequest Get(SourceObject? source) => new()
    {
        BucketName = Request.SourceBucket,
        Key = Request.SourceKey,
        VersionId = source?.VersionId ?? Request.SourceVersionId,
        EtagToMatch = Quote(source?.ETag ?? ExpectedETag),
        RequestPayer = Payer,
    };

    public static string? Quote(string? etag) => etag is null ? null : "\"" + etag + "\"";
}
