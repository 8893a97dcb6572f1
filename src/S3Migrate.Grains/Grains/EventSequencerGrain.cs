using S3Migrate.Abstractions;
using S3Migrate.Grains.Jobs;

namespace S3Migrate.Grains.Grains;

/// <summary>Keeps the newest event sequencer applied to one destination object; written only for event-driven jobs.</summary>
[GrainType("s3m.sequencer")]
public sealed class EventSequencerGrain([PersistentState("sequencer")] IPersistentState<EventSequencerState> state) : Grain, IEventSequencerGrain
{
    public async Task<bool> TryApplyAsync(string sequencer)
    {
        if (state.State.Applied is { } applied && Sequencers.Compare(sequencer, applied) <= 0)
        {
            return false;
        }

        state.State.Applied = sequencer;
        await state.WriteStateAsync();
        return true;
    }
}

[GenerateSerializer, Alias("s3m.sequencerstate")]
public sealed class EventSequencerState
{
    [Id(0)]
    public string? Applied { get; set; }
}
