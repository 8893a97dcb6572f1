using Orleans.Runtime;
using S3Migrate.Orleans.Aws.Storage;

namespace S3Migrate.Orleans.Aws.Tests.Storage;

/// <summary>Grain-storage settings refused at silo start, before any table is touched.</summary>
public sealed class DynamoDbGrainStorageOptionsValidatorTests
{
    [Fact]
    public void StorageWithoutRegionOrServiceUrlIsRefused()
    {
        var validator = new DynamoDbGrainStorageOptionsValidator(new DynamoDbGrainStorageOptions(), "jobs");

        var refused = Assert.Throws<OrleansConfigurationException>(validator.ValidateConfiguration);

        Assert.Contains("'jobs'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StorageWithoutTableNameIsRefused()
    {
        var validator = new DynamoDbGrainStorageOptionsValidator(
            new DynamoDbGrainStorageOptions { TableName = " ", Region = "eu-west-1" }, "jobs");

        Assert.Throws<OrleansConfigurationException>(validator.ValidateConfiguration);
    }

    [Fact]
    public void StorageWithRegionAndDefaultTableIsAccepted()
    {
        var options = new DynamoDbGrainStorageOptions { Region = "eu-west-1" };

        new DynamoDbGrainStorageOptionsValidator(options, "jobs").ValidateConfiguration();

        Assert.Equal(DynamoDbGrainStorageOptions.DefaultTableName, options.TableName);
        Assert.False(options.DeleteStateOnClear);
    }
}
