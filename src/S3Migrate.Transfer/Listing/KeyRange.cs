namespace S3Migrate.Transfer.Listing;

/// <summary>
/// A contiguous slice of a bucket's key space, in UTF-8 byte order: the keys under <see cref="Prefix"/> that sort
/// after <see cref="After"/> (exclusive) and not after <see cref="Through"/> (inclusive); a null bound is open.
/// Ranges split on any sorted boundaries cover every key exactly once, whether a key sits in a "folder" or directly
/// at a level between folders, so listing them one after the other gives the bucket's listing order.
/// A range is also a checkpoint: <see cref="ResumeAfter"/> gives what is left after the last key handled.
/// </summary>
public sealed record KeyRange
{
    public KeyRange(string prefix, string? after = null, string? through = null)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        Prefix = prefix;
        After = after;
        Through = through;
    }

    public string Prefix { get; }

    public string? After { get; init; }

    public string? Through { get; }

    /// <summary>The whole of <paramref name="prefix"/> as one range.</summary>
    public static KeyRange All(string prefix) => new(prefix);

    /// <summary>
    /// Splits <paramref name="prefix"/> at <paramref name="boundaries"/> (strictly increasing in UTF-8 order, each under
    /// the prefix): (start, b1], (b1, b2], …, (bn, end). Together the ranges hold every key under the prefix once.
    /// </summary>
    public static IReadOnlyList<KeyRange> Split(string prefix, IEnumerable<string> boundaries)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var ranges = new List<KeyRange>();
        string? previous = null;
        foreach (var boundary in boundaries)
        {
            if (!boundary.StartsWith(prefix, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The boundary '{boundary}' is not under the prefix '{prefix}'.", nameof(boundaries));
            }

            if (previous is not null && Utf8KeyComparer.CompareKeys(previous, boundary) >= 0)
            {
                throw new ArgumentException(
                    $"Boundaries must be strictly increasing in UTF-8 order: '{boundary}' follows '{previous}'.", nameof(boundaries));
            }

            ranges.Add(new KeyRange(prefix, previous, boundary));
            previous = boundary;
        }

        ranges.Add(new KeyRange(prefix, previous));
        return ranges;
    }

    public bool Contains(string key) =>
        key.StartsWith(Prefix, StringComparison.Ordinal) &&
        (After is null || Utf8KeyComparer.CompareKeys(key, After) > 0) &&
        !IsPast(key);

    /// <summary>True when <paramref name="key"/> sorts after the end of this range (a listing in order can stop).</summary>
    public bool IsPast(string key) => Through is not null && Utf8KeyComparer.CompareKeys(key, Through) > 0;

    /// <summary>What remains of this range once every key up to <paramref name="key"/> is handled.</summary>
    public KeyRange ResumeAfter(string key) => this with { After = key };

    /// <summary>
    /// True when every key of this range sorts before every key of <paramref name="next"/>. Conservative: ranges that
    /// cannot be shown apart from their bounds alone count as overlapping.
    /// </summary>
    public bool Precedes(KeyRange next)
    {
        var (lower, lowerInclusive) = next.After is null || Utf8KeyComparer.CompareKeys(next.After, next.Prefix) < 0
            ? (next.Prefix, true)
            : (next.After, false);
        if (Through is not null)
        {
            var order = Utf8KeyComparer.CompareKeys(lower, Through);
            return lowerInclusive ? order > 0 : order >= 0;
        }

        // Open-ended: this range runs to the last key under its prefix; the next must start beyond all of them.
        return Prefix.Length > 0 && !lower.StartsWith(Prefix, StringComparison.Ordinal) && Utf8KeyComparer.CompareKeys(lower, Prefix) > 0;
    }

    public override string ToString() => $"'{Prefix}' ({After ?? "start"}, {Through ?? "end"}]";
}
