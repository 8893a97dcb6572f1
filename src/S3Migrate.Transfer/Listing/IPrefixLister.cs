namespace S3Migrate.Transfer.Listing;

/// <summary>A source of common prefixes, as ListObjectsV2 with a delimiter returns them.</summary>
public interface IPrefixLister
{
    /// <summary>
    /// The distinct prefixes <c>prefix + x + delimiter</c> of keys under <paramref name="prefix"/> (x not containing the
    /// delimiter), in UTF-8 byte order.
    /// </summary>
    IAsyncEnumerable<string> ListCommonPrefixesAsync(string bucket, string prefix, string delimiter, CancellationToken cancellationToken);
}
