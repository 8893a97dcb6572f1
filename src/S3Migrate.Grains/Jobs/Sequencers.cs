namespace S3Migrate.Grains.Jobs;

/// <summary>
/// S3 event sequencers: hex strings comparable only for the same key, after left-padding the shorter with zeros.
/// </summary>
public static class Sequencers
{
    public static int Compare(string a, string b)
    {
        var width = Math.Max(a.Length, b.Length);
        return string.CompareOrdinal(a.PadLeft(width, '0').ToUpperInvariant(), b.PadLeft(width, '0').ToUpperInvariant());
    }
}
