using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace S3Migrate.Orleans.Aws.Storage;

/// <summary>Registers <see cref="DynamoDbGrainStorage"/> providers on a silo.</summary>
public static class DynamoDbGrainStorageHostingExtensions
{
    /// <summary>Adds a DynamoDB grain-storage provider used by <c>[PersistentState(stateName, name)]</c>.</summary>
    public static ISiloBuilder AddDynamoDbGrainStorage(
        this ISiloBuilder builder, string name, Action<DynamoDbGrainStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureServices(services => services.AddDynamoDbGrainStorage(name, configure));
    }

    /// <summary>Adds a DynamoDB grain-storage provider as the one used when a state names no provider.</summary>
    public static ISiloBuilder AddDynamoDbGrainStorageAsDefault(
        this ISiloBuilder builder, Action<DynamoDbGrainStorageOptions> configure) =>
        builder.AddDynamoDbGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configure);

    /// <inheritdoc cref="AddDynamoDbGrainStorage(ISiloBuilder, string, Action{DynamoDbGrainStorageOptions})"/>
    public static IServiceCollection AddDynamoDbGrainStorage(
        this IServiceCollection services, string name, Action<DynamoDbGrainStorageOptions> configure)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<DynamoDbGrainStorageOptions>(name).Configure(configure);
        services.AddTransient<IPostConfigureOptions<DynamoDbGrainStorageOptions>,
            DefaultStorageProviderSerializerOptionsConfigurator<DynamoDbGrainStorageOptions>>();
        services.AddSingleton<IConfigurationValidator>(provider => new DynamoDbGrainStorageOptionsValidator(
            provider.GetRequiredService<IOptionsMonitor<DynamoDbGrainStorageOptions>>().Get(name), name));
        return services.AddGrainStorage(name, Create);
    }

    private static DynamoDbGrainStorage Create(IServiceProvider services, string name) =>
        ActivatorUtilities.CreateInstance<DynamoDbGrainStorage>(
            services, name, services.GetRequiredService<IOptionsMonitor<DynamoDbGrainStorageOptions>>().Get(name));
}
