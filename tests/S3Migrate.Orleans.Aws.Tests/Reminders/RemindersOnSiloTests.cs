using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using S3Migrate.Orleans.Aws.Reminders;
using S3Migrate.Orleans.Aws.Tests.Storage;
using S3Migrate.Testing;

namespace S3Migrate.Orleans.Aws.Tests.Reminders;

/// <summary>
/// Reminders registered by a grain on a real silo configured with
/// <see cref="DynamoDbReminderHostingExtensions.UseDynamoDbReminderService"/>: they land in the DynamoDB table under
/// the silo's service id and outlive the silo.
/// </summary>
[Collection(StandInsCollection.Name)]
public sealed class RemindersOnSiloTests(StandInsFixture fixture) : IAsyncLifetime
{
    private readonly string _tableName = UniqueName.For("silo-reminders");
    private readonly string _serviceId = $"reminders-{Guid.NewGuid():N}";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        using var dynamoDb = fixture.StandIns.CreateDynamoDbClient();
        try
        {
            await dynamoDb.DeleteTableAsync(_tableName);
        }
        catch (ResourceNotFoundException)
        {
        }
    }

    [Fact]
    public async Task RemindersRegisteredByAGrainAreStoredUnderTheServiceAndOutliveTheSilo()
    {
        var key = $"bucket/{Guid.NewGuid():N}";
        var first = await StartSiloAsync();
        GrainId grainId;
        try
        {
            var grain = first.Services.GetRequiredService<IGrainFactory>().GetGrain<IReminderOwnerGrain>(key);
            grainId = grain.GetGrainId();
            await grain.Register("checkpoint");
            await grain.Register("cleanup");
        }
        finally
        {
            await TestSilo.StopAsync(first);
        }

        using (var table = OpenTable())
        {
            var stored = (await table.ReadRows(grainId, CancellationToken.None)).Reminders;
            Assert.Equal(["checkpoint", "cleanup"], stored.Select(row => row.ReminderName).Order(StringComparer.Ordinal));
        }

        var second = await StartSiloAsync();
        try
        {
            var grain = second.Services.GetRequiredService<IGrainFactory>().GetGrain<IReminderOwnerGrain>(key);
            Assert.Equal(["checkpoint", "cleanup"], (await grain.Names()).Order(StringComparer.Ordinal));

            await grain.Unregister("checkpoint");

            Assert.Equal(["cleanup"], await grain.Names());
        }
        finally
        {
            await TestSilo.StopAsync(second);
        }

        using (var table = OpenTable())
        {
            var stored = (await table.ReadRows(grainId, CancellationToken.None)).Reminders;
            Assert.Equal(["cleanup"], stored.Select(row => row.ReminderName));
        }
    }

    private Task<IHost> StartSiloAsync() => TestSilo.StartAsync(_serviceId, silo => silo.UseDynamoDbReminderService(options =>
    {
        options.TableName = _tableName;
        options.CreateIfNotExists = true;
        options.CreateClient = () => fixture.StandIns.CreateDynamoDbClient();
    }));

    /// <summary>The table as another silo of the same service sees it.</summary>
    private DynamoDbReminderTable OpenTable() => new(
        Options.Create(new DynamoDbReminderTableOptions
        {
            TableName = _tableName,
            CreateClient = () => fixture.StandIns.CreateDynamoDbClient(),
        }),
        Options.Create(new ClusterOptions { ServiceId = _serviceId, ClusterId = _serviceId }),
        NullLogger<DynamoDbReminderTable>.Instance);
}
