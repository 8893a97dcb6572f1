using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Hosting;

namespace S3Migrate.Orleans.Aws.Streaming;

/// <summary>Registers the SQS stream provider on a silo.</summary>
public static class SqsStreamHosting
{
    /// <summary>
    /// Adds SQS persistent streams named <paramref name="name"/>. The application registers its
    /// <see cref="ISqsMessageCodec"/> (and optionally an <see cref="ISqsReceiveGate"/>) as keyed services under the
    /// same name; consumers reach the messages they hold through the keyed <see cref="SqsMessageLeases"/>.
    /// </summary>
    public static ISiloBuilder AddSqsStreams(
        this ISiloBuilder silo, string name, Action<SqsStreamOptions> configure, Action<ISiloPersistentStreamConfigurator>? configureStreams = null)
    {
        silo.Services.AddOptions<SqsStreamOptions>(name).Configure(configure);
        silo.Services.AddKeyedSingleton(name, static (sp, key) =>
            new SqsQueues(sp.GetRequiredService<IOptionsMonitor<SqsStreamOptions>>().Get((string)key!)));
        silo.Services.AddKeyedSingleton(name, static (sp, key) => new SqsMessageLeases(
            sp.GetRequiredService<IOptionsMonitor<SqsStreamOptions>>().Get((string)key!),
            sp.GetRequiredKeyedService<SqsQueues>(key),
            sp.GetRequiredService<ILogger<SqsMessageLeases>>()));
        silo.AddPersistentStreams(name, SqsQueueAdapterFactory.Create, streams => configureStreams?.Invoke(streams));
        return silo;
    }
}
