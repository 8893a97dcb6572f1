using Amazon.S3;

namespace S3Migrate.Transfer.Checksums;

/// <summary>An additional checksum as S3 reports it: algorithm, base64 value, and FULL_OBJECT or COMPOSITE ("…-N").</summary>
public sealed record ChecksumValue(ChecksumAlgorithm Algorithm, string Value, bool IsComposite)
{
    /// <summary>The algorithms the engine can recompute, in the order a response is searched.</summary>
    public static readonly IReadOnlyList<ChecksumAlgorithm> Supported =
        [ChecksumAlgorithm.CRC64NVME, ChecksumAlgorithm.CRC32C, ChecksumAlgorithm.CRC32, ChecksumAlgorithm.SHA256, ChecksumAlgorithm.SHA1];

    /// <summary>The first supported checksum among the values of a response (as read by <paramref name="value"/>).</summary>
    public static ChecksumValue? Find(Func<ChecksumAlgorithm, string?> value, ChecksumType? type)
    {
        foreach (var algorithm in Supported)
        {
            if (value(algorithm) is { Length: > 0 } found)
            {
                var composite = type == ChecksumType.COMPOSITE || found.Contains('-', StringComparison.Ordinal);
                return new ChecksumValue(algorithm, found, composite);
            }
        }

        return null;
    }

    public override string ToString() => $"{Algorithm.Value} {Value}";
}
