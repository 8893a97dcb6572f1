namespace S3Migrate.Transfer.Planning;

/// <summary>
/// Decides single PUT or multipart and the part size: the configured size, grown (to whole MiB) until the object fits
/// in the part limit, never below the minimum nor above 5 GiB. Pure; the same inputs always give the same plan,
/// which resume depends on.
/// </summary>
public static class PartPlanner
{
    public static TransferPlan Plan(long size, PartSizing sizing, long? preferredPartSize = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (size > sizing.MaximumParts * sizing.MaximumPartSize)
        {
            throw new ObjectTooLargeException(size, sizing.MaximumParts * sizing.MaximumPartSize);
        }

        if (size <= sizing.SmallObjectThreshold)
        {
            return new TransferPlan(size, IsMultipart: false, size, size == 0 ? 0 : 1);
        }

        var partSize = preferredPartSize is { } preferred && Fits(preferred, size, sizing) ? preferred : sizing.PartSize;
        if (CeilingDivide(size, partSize) > sizing.MaximumParts)
        {
            partSize = CeilingDivide(size, sizing.MaximumParts);
            // Whole MiB keeps part sizes readable; below a MiB (test stores) the exact size is used.
            partSize = Math.Min(sizing.MaximumPartSize, partSize >= PartSizing.MiB ? RoundUp(partSize, PartSizing.MiB) : partSize);
        }

        partSize = Math.Clamp(partSize, sizing.MinimumPartSize, sizing.MaximumPartSize);
        return new TransferPlan(size, IsMultipart: true, partSize, (int)CeilingDivide(size, partSize));
    }

    /// <summary>True when <paramref name="partSize"/> is a legal part size for an object of <paramref name="size"/> bytes.</summary>
    public static bool Fits(long partSize, long size, PartSizing sizing) =>
        partSize >= sizing.MinimumPartSize && partSize <= sizing.MaximumPartSize && CeilingDivide(size, partSize) <= sizing.MaximumParts;

    private static long CeilingDivide(long value, long divisor) => (value + divisor - 1) / divisor;

    private static long RoundUp(long value, long multiple) => CeilingDivide(value, multiple) * multiple;
}

/// <summary>An object larger than any multipart upload can hold.</summary>
public sealed class ObjectTooLargeException(long size, long maximum)
    : Exception($"the object is {size} bytes; S3 objects can be at most {maximum} bytes (10,000 parts of 5 GiB)");
