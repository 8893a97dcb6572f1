namespace S3Migrate.Orleans.Aws.Tests.Storage;

/// <summary>Keeps its counter in the grain storage named <see cref="StorageName"/>.</summary>
public sealed class CounterGrain(
    [PersistentState("counter", CounterGrain.StorageName)] IPersistentState<TestState> counter) : Grain, ICounterGrain
{
    public const string StorageName = "dynamo";

    public async Task<int> Add(int amount)
    {
        counter.State.Count += amount;
        await counter.WriteStateAsync();
        return counter.State.Count;
    }

    public Task<int> Get() => Task.FromResult(counter.State.Count);

    public Task Deactivate()
    {
        this.DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
