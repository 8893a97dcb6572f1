using CsCheck;
using S3Migrate.Transfer.Planning;

namespace S3Migrate.Transfer.Tests.Planning;

/// <summary>The part planner keeps every object within S3's limits, for every size up to 48.8 TiB.</summary>
public sealed class PartPlannerTests
{
    private static readonly PartSizing Defaults = new();

    [Fact]
    public void EveryPlanCoversTheObjectExactlyWithinS3Limits() =>
        Gen.Long[0, PartSizing.S3MaximumObjectSize].Sample(size =>
        {
            var plan = PartPlanner.Plan(size, Defaults);
            if (!plan.IsMultipart)
            {
                return size <= Defaults.SmallObjectThreshold;
            }

            var (lastOffset, lastLength) = plan.Part(plan.PartCount);
            return plan.PartCount <= PartSizing.S3MaximumParts
                && plan.PartSize >= PartSizing.S3MinimumPartSize
                && plan.PartSize <= PartSizing.S3MaximumPartSize
                && lastOffset + lastLength == size
                && lastLength is > 0
                && lastLength <= plan.PartSize;
        }, iter: 20_000);

    [Fact]
    public void PartSizeIsTheDefaultUntilTheObjectNeedsMoreThanTenThousandParts() =>
        Gen.Long[Defaults.SmallObjectThreshold + 1, Defaults.PartSize * PartSizing.S3MaximumParts].Sample(size =>
            PartPlanner.Plan(size, Defaults).PartSize == Defaults.PartSize);

    [Fact]
    public void GrownPartSizesAreWholeMebibytes() =>
        Gen.Long[(Defaults.PartSize * PartSizing.S3MaximumParts) + 1, PartSizing.S3MaximumObjectSize].Sample(size =>
            PartPlanner.Plan(size, Defaults).PartSize % PartSizing.MiB == 0 || PartPlanner.Plan(size, Defaults).PartSize == PartSizing.S3MaximumPartSize);

    [Fact]
    public void PlansAreStableForResume() =>
        Gen.Long[0, PartSizing.S3MaximumObjectSize].Sample(size => PartPlanner.Plan(size, Defaults) == PartPlanner.Plan(size, Defaults));

    [Theory]
    [InlineData(0L, false, 0)]
    [InlineData(1L, false, 1)]
    [InlineData(16L * 1024 * 1024, false, 1)]
    [InlineData((16L * 1024 * 1024) + 1, true, 2)]
    [InlineData(1L << 30, true, 64)]
    [InlineData(PartSizing.S3MaximumObjectSize, true, 10_000)]
    public void KnownSizesGetKnownPlans(long size, bool multipart, int parts)
    {
        var plan = PartPlanner.Plan(size, Defaults);

        Assert.Equal(multipart, plan.IsMultipart);
        Assert.Equal(parts, plan.PartCount);
    }

    [Fact]
    public void ObjectsBeyondTheS3MaximumAreRefusedWithAReason()
    {
        var error = Assert.Throws<ObjectTooLargeException>(() => PartPlanner.Plan(PartSizing.S3MaximumObjectSize + 1, Defaults));

        Assert.Contains("10,000 parts of 5 GiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PreferredSourceLayoutIsUsedOnlyWhenLegal()
    {
        Assert.Equal(8 * PartSizing.MiB, PartPlanner.Plan(100 * PartSizing.MiB, Defaults, preferredPartSize: 8 * PartSizing.MiB).PartSize);
        Assert.Equal(Defaults.PartSize, PartPlanner.Plan(100 * PartSizing.MiB, Defaults, preferredPartSize: PartSizing.MiB).PartSize);
    }

    [Fact]
    public void TenThousandAndOnePartsWorthOfTinyPartsIsRegrownBelowTheLimit()
    {
        var sizing = new PartSizing { PartSize = 1024, MinimumPartSize = 1024, SmallObjectThreshold = 1024 };

        var plan = PartPlanner.Plan(10_001L * 1024, sizing);

        Assert.True(plan.PartCount <= PartSizing.S3MaximumParts, $"{plan.PartCount} parts");
        Assert.True(plan.PartCount > 9_900, $"{plan.PartCount} parts");
    }
}
