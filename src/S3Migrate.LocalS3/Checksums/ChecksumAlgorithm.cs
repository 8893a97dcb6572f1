namespace S3Migrate.LocalS3.Checksums;

/// <summary>The additional checksums S3 stores besides the ETag.</summary>
public enum ChecksumAlgorithm
{
    Crc32,
    Crc32C,
    Crc64Nvme,
    Sha1,
    Sha256,
}

public static class ChecksumAlgorithms
{
    public static readonly IReadOnlyList<ChecksumAlgorithm> All =
        [ChecksumAlgorithm.Crc32, ChecksumAlgorithm.Crc32C, ChecksumAlgorithm.Crc64Nvme, ChecksumAlgorithm.Sha1, ChecksumAlgorithm.Sha256];

    /// <summary>The name S3 uses in headers and XML (CRC32, CRC32C, CRC64NVME, SHA1, SHA256).</summary>
    public static string Name(this ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 => "CRC32",
        ChecksumAlgorithm.Crc32C => "CRC32C",
        ChecksumAlgorithm.Crc64Nvme => "CRC64NVME",
        ChecksumAlgorithm.Sha1 => "SHA1",
        ChecksumAlgorithm.Sha256 => "SHA256",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>The request/response header carrying a value, e.g. x-amz-checksum-crc32.</summary>
    public static string HeaderName(this ChecksumAlgorithm algorithm) => "x-amz-checksum-" + algorithm.Name().ToLowerInvariant();

    /// <summary>The XML element carrying a value, e.g. ChecksumCRC32.</summary>
    public static string ElementName(this ChecksumAlgorithm algorithm) => "Checksum" + algorithm.Name();

    public static bool IsCrc(this ChecksumAlgorithm algorithm) => algorithm is ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C or ChecksumAlgorithm.Crc64Nvme;

    public static int DigestLength(this ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C => 4,
        ChecksumAlgorithm.Crc64Nvme => 8,
        ChecksumAlgorithm.Sha1 => 20,
        _ => 32,
    };

    public static bool TryParse(string? name, out ChecksumAlgorithm algorithm)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name(), name, StringComparison.OrdinalIgnoreCase))
            {
                algorithm = candidate;
                return true;
            }
        }

        algorithm = default;
        return false;
    }

    public static bool TryParseHeaderName(string headerName, out ChecksumAlgorithm algorithm)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.HeaderName(), headerName, StringComparison.OrdinalIgnoreCase))
            {
                algorithm = candidate;
                return true;
            }
        }

        algorithm = default;
        return false;
    }

    /// <summary>True when <paramref name="base64"/> decodes to a digest of this algorithm's length.</summary>
    public static bool IsWellFormed(this ChecksumAlgorithm algorithm, string base64)
    {
        Span<byte> buffer = stackalloc byte[32];
        return Convert.TryFromBase64String(base64, buffer, out var written) && written == algorithm.DigestLength();
    }
}
