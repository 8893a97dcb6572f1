using S3Migrate.Orleans.Aws.Clustering;

namespace S3Migrate.Orleans.Aws.Tests.Clustering;

public sealed class DynamoDbClusteringOptionsValidatorTests
{
    private readonly DynamoDbClusteringOptionsValidator _validator = new();

    [Fact]
    public void AcceptsTheDefaults()
    {
        var options = new DynamoDbClusteringOptions();

        Assert.True(_validator.Validate(name: null, options).Succeeded);
        Assert.Equal(DynamoDbClusteringOptions.DefaultTableName, options.TableName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("silos table")]
    public void RejectsTableNamesDynamoDbRefuses(string tableName)
    {
        var result = _validator.Validate(name: null, new DynamoDbClusteringOptions { TableName = tableName });

        Assert.True(result.Failed);
        Assert.Contains(nameof(DynamoDbClusteringOptions.TableName), result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsARelativeServiceUrlAndNoReadAttempts()
    {
        var result = _validator.Validate(
            name: null,
            new DynamoDbClusteringOptions { ServiceUrl = new Uri("dynamodb", UriKind.Relative), MaxReadAllAttempts = 0 });

        Assert.True(result.Failed);
        Assert.Contains(nameof(DynamoDbClusteringOptions.ServiceUrl), result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(nameof(DynamoDbClusteringOptions.MaxReadAllAttempts), result.FailureMessage, StringComparison.Ordinal);
    }
}
