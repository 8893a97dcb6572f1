namespace S3Migrate.Transfer.Listing;

/// <summary>How a manifest of keys is written.</summary>
public enum ManifestFormat
{
    /// <summary><see cref="Csv"/> when the first line starts with a double quote (as S3 Inventory writes), else <see cref="KeyPerLine"/>.</summary>
    Auto,

    /// <summary>One exact key per line, UTF-8; lines end at '\n' (a '\r' before it is dropped); empty lines are skipped.</summary>
    KeyPerLine,

    /// <summary>
    /// S3 Inventory or S3 Batch Operations CSV: bucket, URL-encoded key, then any further columns; fields may be quoted.
    /// </summary>
    Csv,
}
