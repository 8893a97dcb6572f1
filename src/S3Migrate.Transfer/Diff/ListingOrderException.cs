namespace S3Migrate.Transfer.Diff;

/// <summary>
/// A listing given to the diff is not in strictly increasing UTF-8 key order. A merge of unsorted listings would
/// report present objects as missing (or worse, missing ones as present), so the diff stops instead.
/// </summary>
public sealed class ListingOrderException(string side, string previousKey, string key) : Exception(
    $"The {side} listing is not in UTF-8 key order: {KeyText.Show(key)} came after {KeyText.Show(previousKey)}. " +
    "A diff needs both listings sorted as S3 lists them.")
{
    /// <summary>"source" or "destination".</summary>
    public string Side { get; } = side;

    public string PreviousKey { get; } = previousKey;

    public string Key { get; } = key;
}
