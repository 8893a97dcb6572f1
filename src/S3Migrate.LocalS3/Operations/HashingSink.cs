using System.Security.Cryptography;
using S3Migrate.LocalS3.Checksums;
using S3Migrate.LocalS3.Payload;
using S3Migrate.LocalS3.Storage;

namespace S3Migrate.LocalS3.Operations;

/// <summary>Passes bytes to a blob while computing the MD5 (ETag, Content-MD5) and one additional checksum.</summary>
public sealed class HashingSink(BlobWriter writer, ChecksumAlgorithm? algorithm) : IPayloadSink, IDisposable
{
    /// <summary>Writes at least this large take their MD5 on another core while the checksum and the copy run here.</summary>
    private const int ParallelMd5Threshold = 64 * 1024;

    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly ChecksumHasher? _checksum = algorithm is { } a ? new ChecksumHasher(a) : null;

    public BlobWriter Writer => writer;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (data.Length < ParallelMd5Threshold)
        {
            _md5.AppendData(data.Span);
            _checksum?.Append(data.Span);
            await writer.WriteAsync(data, cancellationToken);
            return;
        }

        // MD5 is the slowest of the three (about 700 MB/s); the copy into fresh storage memory comes next. Running them
        // side by side shortens a large PUT by roughly the MD5's time. The MD5 is awaited before returning, whatever
        // happens, so the data is never read after the caller releases it and the hash is never used concurrently.
        var md5 = Task.Run(() => _md5.AppendData(data.Span), CancellationToken.None);
        try
        {
            _checksum?.Append(data.Span);
            await writer.WriteAsync(data, cancellationToken);
        }
        finally
        {
            await md5;
        }
    }

    public byte[] Md5() => _md5.GetCurrentHash();

    public string? ChecksumBase64() => _checksum?.GetBase64();

    public void Dispose()
    {
        _md5.Dispose();
        _checksum?.Dispose();
    }
}
