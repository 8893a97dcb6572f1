namespace S3Migrate.Grains.Grains;

/// <summary>Keeps an activation alive while it runs work in the background (background work alone does not).</summary>
internal static class GrainKeepAlive
{
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    /// <summary>A timer that does nothing but keep <paramref name="grain"/> from being collected; dispose it when the work ends.</summary>
    public static IGrainTimer Start(Grain grain) => grain.RegisterGrainTimer(static _ => Task.CompletedTask, new GrainTimerCreationOptions
    {
        DueTime = Period,
        Period = Period,
        KeepAlive = true,
        Interleave = true,
    });
}
