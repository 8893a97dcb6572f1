using S3Migrate.Infra.Configuration;
using Xunit;

namespace S3Migrate.Infra.Tests;

/// <summary>Settings that could not deploy, or could not work, are refused before anything is synthesized.</summary>
public sealed class SettingsTests
{
    private static readonly BucketRoute Route = new("src-a", "", "dst-a", "");

    private static string Problems(S3MigrateStackProps props) =>
        Assert.Throws<ArgumentException>(() => StackPropsValidator.Validate(props)).Message;

    [Fact]
    public void DefaultsAreValid() => StackPropsValidator.Validate(new S3MigrateStackProps { Routes = [Route] });

    [Fact]
    public void RefusesEventSourcesOnTheDestinationSide() =>
        Assert.Contains("JobType PUT", Problems(new() { JobType = JobType.Get, Routes = [Route], EventSourceBuckets = ["src-a"] }), StringComparison.Ordinal);

    [Fact]
    public void RefusesEventSourcesThatNoRouteReads() =>
        Assert.Contains("'src-b' is not the source of any route", Problems(new() { Routes = [Route], EventSourceBuckets = ["src-b"] }), StringComparison.Ordinal);

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void RefusesMaxReceiveCountsSqsRejects(int count) =>
        Assert.Contains("JobsQueueMaxReceiveCount", Problems(new() { JobsQueueMaxReceiveCount = count }), StringComparison.Ordinal);

    [Theory]
    [InlineData(10)]
    [InlineData(43_201)]
    public void RefusesVisibilityTimeoutsTheHeartbeatCannotWorkWith(int seconds) =>
        Assert.Contains("JobVisibilityTimeoutSeconds", Problems(new() { JobVisibilityTimeoutSeconds = seconds }), StringComparison.Ordinal);

    [Fact]
    public void RefusesInvalidBucketNames() =>
        Assert.Contains("'Bad_Bucket' is not a valid bucket name", Problems(new() { Routes = [Route with { DesBucket = "Bad_Bucket" }] }), StringComparison.Ordinal);

    [Fact]
    public void RefusesDestinationDeletesOnTheSourceSide() =>
        Assert.Contains("AllowDestinationDeletes", Problems(new() { JobType = JobType.Put, AllowDestinationDeletes = true }), StringComparison.Ordinal);

    [Fact]
    public void RefusesASingleAvailabilityZone() =>
        Assert.Contains("AvailabilityZoneCount", Problems(new() { AvailabilityZoneCount = 1 }), StringComparison.Ordinal);

    [Fact]
    public void NamesEveryProblemAtOnce()
    {
        var message = Problems(new() { JobsQueueMaxReceiveCount = 0, JobVisibilityTimeoutSeconds = 1, AvailabilityZoneCount = 1 });
        Assert.Equal(3, message.Split('\n').Count(l => l.TrimStart().StartsWith("- ", StringComparison.Ordinal)));
    }

    [Fact]
    public void SettingsFileReadsTheOriginalBucketListFormat()
    {
        var settings = DeploymentSettings.Parse(
            """
            {
              // comments are allowed
              "jobType": "GET",
              "routes": [ { "src_bucket": "src-a", "src_prefix": "in/", "des_bucket": "dst-a", "des_prefix": "out/" } ],
              "network": "PrivateSubnetsWithNat",
            }
            """,
            "test");
        var props = settings.ToStackProps(JobType.Put, "test");
        Assert.Equal(JobType.Get, props.JobType);
        Assert.Equal([new BucketRoute("src-a", "in/", "dst-a", "out/")], props.Routes);
        Assert.Equal(NetworkLayout.PrivateSubnetsWithNat, props.Network);
        Assert.Equal(24, props.JobsQueueMaxReceiveCount);
    }

    [Fact]
    public void SettingsFileKeepsTheVariantsJobTypeWhenItNamesNone() =>
        Assert.Equal(JobType.Get, DeploymentSettings.Parse("{}", "test").ToStackProps(JobType.Get, "test").JobType);

    [Fact]
    public void SettingsFileRefusesUnknownFields() =>
        Assert.Contains("maxRecieveCount", Assert.Throws<ArgumentException>(() => DeploymentSettings.Parse("""{ "maxRecieveCount": 3 }""", "test")).Message, StringComparison.Ordinal);
}
