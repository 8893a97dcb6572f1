namespace S3Migrate.Infra.Configuration;

internal static class JobTypeExtensions
{
    /// <summary>The value the silo expects in <c>S3Migrate__JobType</c> (the original tool's spelling).</summary>
    public static string ToSiloValue(this JobType jobType) => jobType switch
    {
        JobType.Put => "PUT",
        JobType.Get => "GET",
        _ => throw new ArgumentOutOfRangeException(nameof(jobType), jobType, "Unknown job type."),
    };
}
