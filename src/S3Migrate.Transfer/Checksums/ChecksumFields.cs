using Amazon.S3;
using Amazon.S3.Model;

namespace S3Migrate.Transfer.Checksums;

/// <summary>
/// Reads and sets the per-algorithm checksum properties of the SDK's request and response types, and names the header
/// each algorithm travels in (for the data plane, which writes headers itself).
/// </summary>
public static class ChecksumFields
{
    /// <summary>The x-amz-checksum-… header that carries <paramref name="a"/>'s value.</summary>
    public static string HeaderName(ChecksumAlgorithm a) =>
        a == ChecksumAlgorithm.CRC32 ? "x-amz-checksum-crc32"
        : a == ChecksumAlgorithm.CRC32C ? "x-amz-checksum-crc32c"
        : a == ChecksumAlgorithm.CRC64NVME ? "x-amz-checksum-crc64nvme"
        : a == ChecksumAlgorithm.SHA1 ? "x-amz-checksum-sha1"
        : a == ChecksumAlgorithm.SHA256 ? "x-amz-checksum-sha256"
        : "x-amz-checksum-" + a.Value.ToLowerInvariant();

    public static string? Get(GetObjectMetadataResponse r, ChecksumAlgorithm a) =>
        Pick(a, r.ChecksumCRC32, r.ChecksumCRC32C, r.ChecksumCRC64NVME, r.ChecksumSHA1, r.ChecksumSHA256);

    public static string? Get(PartETag r, ChecksumAlgorithm a) =>
        Pick(a, r.ChecksumCRC32, r.ChecksumCRC32C, r.ChecksumCRC64NVME, r.ChecksumSHA1, r.ChecksumSHA256);

    public static void Set(PartETag r, ChecksumValue v)
    {
        if (v.Algorithm == ChecksumAlgorithm.CRC32) r.ChecksumCRC32 = v.Value;
        else if (v.Algorithm == ChecksumAlgorithm.CRC32C) r.ChecksumCRC32C = v.Value;
        else if (v.Algorithm == ChecksumAlgorithm.CRC64NVME) r.ChecksumCRC64NVME = v.Value;
        else if (v.Algorithm == ChecksumAlgorithm.SHA1) r.ChecksumSHA1 = v.Value;
        else r.ChecksumSHA256 = v.Value;
    }

    public static void Set(CompleteMultipartUploadRequest r, ChecksumValue v)
    {
        if (v.Algorithm == ChecksumAlgorithm.CRC32) r.ChecksumCRC32 = v.Value;
        else if (v.Algorithm == ChecksumAlgorithm.CRC32C) r.ChecksumCRC32C = v.Value;
        else if (v.Algorithm == ChecksumAlgorithm.CRC64NVME) r.ChecksumCRC64NVME = v.Value;
        else if (v.Algorithm == ChecksumAlgorithm.SHA1) r.ChecksumSHA1 = v.Value;
        else r.ChecksumSHA256 = v.Value;
    }

    private static string? Pick(ChecksumAlgorithm a, string? crc32, string? crc32C, string? crc64Nvme, string? sha1, string? sha256) =>
        a == ChecksumAlgorithm.CRC32 ? crc32
        : a == ChecksumAlgorithm.CRC32C ? crc32C
        : a == ChecksumAlgorithm.CRC64NVME ? crc64Nvme
        : a == ChecksumAlgorithm.SHA1 ? sha1
        : a == ChecksumAlgorithm.SHA256 ? sha256
        : null;
}
