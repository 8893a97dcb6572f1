namespace S3Migrate.LocalS3.Storage;

/// <summary>All versions of one key, newest first.</summary>
public sealed class KeyEntry(string key)
{
    public string Key { get; } = key;

    public List<ObjectVersion> Versions { get; } = [];

    public ObjectVersion? Current => Versions.Count > 0 ? Versions[0] : null;
}
