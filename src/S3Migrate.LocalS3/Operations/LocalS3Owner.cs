namespace S3Migrate.LocalS3.Operations;

/// <summary>The one account that owns everything on a LocalS3 endpoint.</summary>
public static class LocalS3Owner
{
    public const string Id = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";
    public const string DisplayName = "localS3";
}
