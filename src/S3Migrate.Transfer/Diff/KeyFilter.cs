namespace S3Migrate.Transfer.Diff;

/// <summary>
/// Which source keys a migration takes, by include and exclude glob patterns (<see cref="GlobPattern"/>: <c>*</c>
/// crosses '/', <c>?</c>, <c>[…]</c>). A key is taken when it matches at least one include pattern (or there are none)
/// and no exclude pattern.
/// <para>
/// What a pattern is matched against depends on how it is written:
/// a pattern starting with <c>s3://</c> is matched against <c>bucket/key</c> — the source bucket, '/', and the full
/// source key — as the original tool's ignore list was (<c>s3://my-bucket/logs/*</c>, <c>s3://*.tmp</c>);
/// any other pattern is matched against the key relative to the source prefix (with source prefix <c>data/</c>, the
/// key <c>data/2024/a.csv</c> is matched as <c>2024/a.csv</c>; <c>*.csv</c> and <c>2024/*</c> both match it).
/// </para>
/// </summary>
public sealed class KeyFilter
{
    /// <summary>Marks a pattern that is matched against <c>bucket/key</c>.</summary>
    public const string BucketPatternScheme = "s3://";

    private readonly Rule[] _include;
    private readonly Rule[] _exclude;

    /// <exception cref="ArgumentException">A pattern is empty or malformed; the message names it.</exception>
    public KeyFilter(IEnumerable<string> include, IEnumerable<string> exclude)
    {
        Include = [.. include];
        Exclude = [.. exclude];
        _include = [.. Include.Select(Rule.Parse)];
        _exclude = [.. Exclude.Select(Rule.Parse)];
        UsesBucket = _include.Any(static r => r.OnBucketKey) || _exclude.Any(static r => r.OnBucketKey);
    }

    /// <summary>Takes every key.</summary>
    public static KeyFilter All { get; } = new([], []);

    public IReadOnlyList<string> Include { get; }

    public IReadOnlyList<string> Exclude { get; }

    /// <summary>True when some pattern needs the source bucket's name.</summary>
    public bool UsesBucket { get; }

    public bool IsAll => _include.Length == 0 && _exclude.Length == 0;

    /// <summary>
    /// Excludes from the original tool's ignore list (<c>s3_migration_ignore_list.txt</c>): one wildcard per line on
    /// <c>bucket/key</c>; blank lines are skipped.
    /// </summary>
    public static KeyFilter FromIgnoreList(IEnumerable<string> lines) =>
        new([], lines.Select(static l => l.TrimEnd('\r')).Where(static l => !string.IsNullOrWhiteSpace(l)).Select(static l => BucketPatternScheme + l));

    /// <summary>Whether the source key <paramref name="key"/> (whose first <paramref name="prefixLength"/> characters are the source prefix) is taken.</summary>
    public bool Selects(string bucket, string key, int prefixLength)
    {
        if (IsAll)
        {
            return true;
        }

        var relative = key.AsSpan(prefixLength);
        var bucketKey = UsesBucket ? string.Concat(bucket, "/", key) : null;
        return (_include.Length == 0 || Matches(_include, relative, bucketKey)) && !Matches(_exclude, relative, bucketKey);
    }

    private static bool Matches(Rule[] rules, ReadOnlySpan<char> relative, string? bucketKey)
    {
        foreach (var rule in rules)
        {
            if (rule.Pattern.IsMatch(rule.OnBucketKey ? bucketKey : relative))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() =>
        IsAll ? "all keys" : $"include [{string.Join(", ", Include)}], exclude [{string.Join(", ", Exclude)}]";

    private sealed record Rule(GlobPattern Pattern, bool OnBucketKey)
    {
        public static Rule Parse(string pattern)
        {
            ArgumentNullException.ThrowIfNull(pattern);
            var onBucketKey = pattern.StartsWith(BucketPatternScheme, StringComparison.Ordinal);
            var glob = onBucketKey ? pattern[BucketPatternScheme.Length..] : pattern;
            try
            {
                return new Rule(GlobPattern.Parse(glob), onBucketKey);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Invalid key pattern '{pattern}': {e.Message}", e);
            }
        }
    }
}
