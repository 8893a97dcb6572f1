using Orleans.Runtime;
using S3Migrate.Orleans.Aws.Reminders;

namespace S3Migrate.Orleans.Aws.Tests.Reminders;

/// <summary>Reminder-table settings refused at silo start, before the table is touched.</summary>
public sealed class DynamoDbReminderTableOptionsValidatorTests
{
    [Fact]
    public void ReminderTableWithoutRegionOrServiceUrlIsRefused()
    {
        var validator = new DynamoDbReminderTableOptionsValidator(new DynamoDbReminderTableOptions());

        Assert.Throws<OrleansConfigurationException>(validator.ValidateConfiguration);
    }

    [Fact]
    public void ReminderTableWithServiceUrlIsAccepted()
    {
        var options = new DynamoDbReminderTableOptions { ServiceUrl = new Uri("http://127.0.0.1:8000") };

        new DynamoDbReminderTableOptionsValidator(options).ValidateConfiguration();

        Assert.Equal(DynamoDbReminderTableOptions.DefaultTableName, options.TableName);
    }
}
