namespace S3Migrate.Transfer.Diff;

/// <summary>
/// Where a source key lands: <c>destination key = DestinationPrefix + (source key without SourcePrefix)</c>.
/// Prefixes and keys are exact strings — nothing is trimmed, joined with '/' or normalised, so <c>a//b</c>, a leading
/// '/', '+', '%2F' and any Unicode arrive as they are. A prefix is a plain string prefix, not a folder: to move the
/// folder <c>photos/</c> to <c>archive/photos/</c>, map <c>"photos/"</c> to <c>"archive/photos/"</c>; mapping
/// <c>"photos"</c> to <c>"archive/"</c> turns <c>photos/a</c> into <c>archive//a</c>, as asked.
/// </summary>
public sealed record KeyMapping
{
    public KeyMapping(string sourcePrefix, string destinationPrefix)
    {
        ArgumentNullException.ThrowIfNull(sourcePrefix);
        ArgumentNullException.ThrowIfNull(destinationPrefix);
        SourcePrefix = sourcePrefix;
        DestinationPrefix = destinationPrefix;
    }

    /// <summary>Every key to the same key.</summary>
    public static KeyMapping Identity { get; } = new(string.Empty, string.Empty);

    public string SourcePrefix { get; }

    public string DestinationPrefix { get; }

    public bool IsSourceKey(string key) => key.StartsWith(SourcePrefix, StringComparison.Ordinal);

    public bool IsDestinationKey(string key) => key.StartsWith(DestinationPrefix, StringComparison.Ordinal);

    /// <exception cref="ArgumentException"><paramref name="sourceKey"/> does not start with <see cref="SourcePrefix"/>.</exception>
    public string Map(string sourceKey)
    {
        if (!IsSourceKey(sourceKey))
        {
            throw new ArgumentException($"The key {KeyText.Show(sourceKey)} is not under the source prefix {KeyText.Show(SourcePrefix)}.", nameof(sourceKey));
        }

        return string.Concat(DestinationPrefix, sourceKey.AsSpan(SourcePrefix.Length));
    }

    /// <summary>The source key that maps to <paramref name="destinationKey"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destinationKey"/> does not start with <see cref="DestinationPrefix"/>.</exception>
    public string Unmap(string destinationKey)
    {
        if (!IsDestinationKey(destinationKey))
        {
            throw new ArgumentException(
                $"The key {KeyText.Show(destinationKey)} is not under the destination prefix {KeyText.Show(DestinationPrefix)}.", nameof(destinationKey));
        }

        return string.Concat(SourcePrefix, destinationKey.AsSpan(DestinationPrefix.Length));
    }

    public override string ToString() => $"'{SourcePrefix}…' → '{DestinationPrefix}…'";
}
