using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace S3Migrate.LocalS3.Checksums;

/// <summary>Computes one S3 checksum incrementally. CRC values are rendered big-endian, as S3 does.</summary>
public sealed class ChecksumHasher : IDisposable
{
    private readonly NonCryptographicHashAlgorithm? _crc;
    private readonly IncrementalHash? _hash;

    public ChecksumHasher(ChecksumAlgorithm algorithm)
    {
        Algorithm = algorithm;
        switch (algorithm)
        {
            case ChecksumAlgorithm.Crc32: _crc = new Crc32(); break;
            case ChecksumAlgorithm.Crc32C: _crc = new Crc32(Crc32ParameterSet.Crc32C); break;
            case ChecksumAlgorithm.Crc64Nvme: _crc = new Crc64(Crc64ParameterSet.Nvme); break;
            case ChecksumAlgorithm.Sha1: _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1); break;
            default: _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256); break;
        }
    }

    public ChecksumAlgorithm Algorithm { get; }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_crc is not null)
        {
            _crc.Append(data);
        }
        else
        {
            _hash!.AppendData(data);
        }
    }

    public byte[] GetDigest()
    {
        switch (_crc)
        {
            case Crc32 crc32:
            {
                var bytes = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(bytes, crc32.GetCurrentHashAsUInt32());
                return bytes;
            }

            case Crc64 crc64:
            {
                var bytes = new byte[8];
                BinaryPrimitives.WriteUInt64BigEndian(bytes, crc64.GetCurrentHashAsUInt64());
                return bytes;
            }

            default:
                return _hash!.GetCurrentHash();
        }
    }

    public string GetBase64() => Convert.ToBase64String(GetDigest());

    public static string Compute(ChecksumAlgorithm algorithm, ReadOnlySpan<byte> data)
    {
        using var hasher = new ChecksumHasher(algorithm);
        hasher.Append(data);
        return hasher.GetBase64();
    }

    public void Dispose() => _hash?.Dispose();
}
