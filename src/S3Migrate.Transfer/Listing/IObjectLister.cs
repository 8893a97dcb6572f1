namespace S3Migrate.Transfer.Listing;

/// <summary>A source of objects in S3's listing order.</summary>
public interface IObjectLister
{
    /// <summary>
    /// The objects whose keys start with <paramref name="prefix"/> and sort after <paramref name="startAfter"/> (when
    /// given), in UTF-8 byte order of their keys (see <see cref="Utf8KeyComparer"/>), streamed: nothing beyond what the
    /// consumer is reading is held.
    /// </summary>
    IAsyncEnumerable<ListedObject> ListAsync(string bucket, string prefix, string? startAfter, CancellationToken cancellationToken);
}
