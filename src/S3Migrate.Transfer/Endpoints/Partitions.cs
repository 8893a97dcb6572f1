using System.Text.RegularExpressions;

namespace S3Migrate.Transfer.Endpoints;

/// <summary>AWS partitions: the China regions are a separate partition with their own accounts and DNS suffix.</summary>
public static partial class Partitions
{
    public const string Global = "aws";
    public const string China = "aws-cn";
    public const string GovCloud = "aws-us-gov";

    public static string ForRegion(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? China
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? GovCloud
        : Global;

    public static string DnsSuffix(string partition) => partition == China ? "amazonaws.com.cn" : "amazonaws.com";

    public static bool IsRegionName(string region) => RegionPattern().IsMatch(region);

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionPattern();
}
