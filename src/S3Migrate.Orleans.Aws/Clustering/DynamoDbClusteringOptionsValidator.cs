using Microsoft.Extensions.Options;

namespace S3Migrate.Orleans.Aws.Clustering;

/// <summary>Rejects clustering settings DynamoDB would refuse, when the host starts rather than at the first request.</summary>
internal sealed class DynamoDbClusteringOptionsValidator : IValidateOptions<DynamoDbClusteringOptions>
{
    /// <summary>DynamoDB table names are 3 to 255 characters of letters, digits, '_', '-' and '.'.</summary>
    private const int MinTableNameLength = 3;

    private const int MaxTableNameLength = 255;

    public ValidateOptionsResult Validate(string? name, DynamoDbClusteringOptions options)
    {
        List<string> failures = [];
        var tableName = options.TableName;
        if (tableName.Length is < MinTableNameLength or > MaxTableNameLength
            || !tableName.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            failures.Add($"{nameof(DynamoDbClusteringOptions.TableName)} '{tableName}' is not a valid DynamoDB table name.");
        }

        if (options.ServiceUrl is { IsAbsoluteUri: false })
        {
            failures.Add($"{nameof(DynamoDbClusteringOptions.ServiceUrl)} must be an absolute URL.");
        }

        if (options.MaxReadAllAttempts < 1)
        {
            failures.Add($"{nameof(DynamoDbClusteringOptions.MaxReadAllAttempts)} must be at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
