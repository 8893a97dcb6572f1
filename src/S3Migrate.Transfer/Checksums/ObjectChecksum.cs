using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using Amazon.S3;

namespace S3Migrate.Transfer.Checksums;

/// <summary>
/// An S3 additional checksum (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) computed over bytes as they pass, rendered as
/// S3 renders it (big-endian CRCs, base64). The engine carries source checksums over and compares them.
/// </summary>
public sealed class ObjectChecksum : IDisposable
{
    private readonly NonCryptographicHashAlgorithm? _crc;
    private readonly IncrementalHash? _digest;

    private ObjectChecksum(ChecksumAlgorithm algorithm, NonCryptographicHashAlgorithm? crc, IncrementalHash? digest)
    {
        Algorithm = algorithm;
        _crc = crc;
        _digest = digest;
    }

    public ChecksumAlgorithm Algorithm { get; }

    /// <summary>A calculator for <paramref name="algorithm"/>, or null for algorithms the engine does not compute.</summary>
    public static ObjectChecksum? TryCreate(ChecksumAlgorithm? algorithm)
    {
        if (algorithm is null)
        {
            return null;
        }

        if (algorithm == ChecksumAlgorithm.CRC32)
        {
            return new ObjectChecksum(algorithm, new Crc32(), null);
        }

        if (algorithm == ChecksumAlgorithm.CRC32C)
        {
            return new ObjectChecksum(algorithm, new Crc32(Crc32ParameterSet.Crc32C), null);
        }

        if (algorithm == ChecksumAlgorithm.CRC64NVME)
        {
            return new ObjectChecksum(algorithm, new Crc64(Crc64ParameterSet.Nvme), null);
        }

        if (algorithm == ChecksumAlgorithm.SHA1)
        {
            return new ObjectChecksum(algorithm, null, IncrementalHash.CreateHash(HashAlgorithmName.SHA1));
        }

        return algorithm == ChecksumAlgorithm.SHA256
            ? new ObjectChecksum(algorithm, null, IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            : null;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_crc is not null)
        {
            _crc.Append(data);
        }
        else
        {
            _digest!.AppendData(data);
        }
    }

    public string ToBase64()
    {
        Span<byte> value = stackalloc byte[32];
        int length;
        switch (_crc)
        {
            case Crc32 crc32:
                BinaryPrimitives.WriteUInt32BigEndian(value, crc32.GetCurrentHashAsUInt32());
                length = 4;
                break;
            case Crc64 crc64:
                BinaryPrimitives.WriteUInt64BigEndian(value, crc64.GetCurrentHashAsUInt64());
                length = 8;
                break;
            default:
                length = _digest!.GetCurrentHash(value);
                break;
        }

        return Convert.ToBase64String(value[..length]);
    }

    public void Dispose() => _digest?.Dispose();
}
