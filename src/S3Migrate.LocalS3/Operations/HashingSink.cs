using System.Security.Cryptography;
using S3Migrate.LocalS3.Checksums;
using S3Migrate.LocalS3.Payload;
using S3Migrate.LocalS3.Storage;

namespace S3Migrate.LocalS3.Operations;

/// <summary>Passes bytes to a blob while computing the MD5 (ETag, Content-MD5) and one additional checksum.</summary>
public sealed class HashingSink(BlobWriter writer, ChecksumAlgorithm? algorithm) : IPayloadSink, IDisposable
{
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly ChecksumHasher? _checksum = algorithm is { } a ? new ChecksumHasher(a) : null;

    public BlobWriter Writer => writer;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        _md5.AppendData(data.Span);
        _checksum?.Append(data.Span);
        await writer.WriteAsync(data, cancellationToken);
    }

    public byte[] Md5() => _md5.GetCurrentHash();

    public string? ChecksumBase64() => _checksum?.GetBase64();

    public void Dispose()
    {
        _md5.Dispose();
        _checksum?.Dispose();
    }
}
