namespace S3Migrate.Transfer.Planning;

/// <summary>How one object is moved: in one piece, or in <see cref="PartCount"/> parts of <see cref="PartSize"/> bytes.</summary>
public sealed record TransferPlan(long Size, bool IsMultipart, long PartSize, int PartCount)
{
    /// <summary>Byte offset and length of part <paramref name="partNumber"/> (1-based).</summary>
    public (long Offset, long Length) Part(int partNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partNumber, PartCount);
        var offset = (partNumber - 1) * PartSize;
        return (offset, Math.Min(PartSize, Size - offset));
    }

    public IEnumerable<int> PartNumbers => Enumerable.Range(1, PartCount);
}
