using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;

namespace S3Migrate.Orleans.Aws.Reminders;

/// <summary>Makes a silo keep its reminders in DynamoDB.</summary>
public static class DynamoDbReminderHostingExtensions
{
    /// <summary>Adds the reminder service with <see cref="DynamoDbReminderTable"/> as its table.</summary>
    public static ISiloBuilder UseDynamoDbReminderService(
        this ISiloBuilder builder, Action<DynamoDbReminderTableOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddReminders();
        return builder.ConfigureServices(services =>
        {
            services.AddOptions<DynamoDbReminderTableOptions>().Configure(configure);
            services.AddSingleton<IConfigurationValidator>(provider =>
                new DynamoDbReminderTableOptionsValidator(provider.GetRequiredService<IOptions<DynamoDbReminderTableOptions>>().Value));
            services.AddSingleton<DynamoDbReminderTable>();
            services.AddSingleton<IReminderTable>(provider => provider.GetRequiredService<DynamoDbReminderTable>());
        });
    }
}
