namespace S3Migrate.Testing;

/// <summary>
/// The one <see cref="StandIns"/> of this test process, started by its first user and stopped when its last user
/// lets go (or, failing that, when the process exits).
/// </summary>
public static class SharedStandIns
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static StandIns? _current;
    private static int _users;

    public static async Task<StandIns> AcquireAsync(CancellationToken cancellationToken = default)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            _current ??= await StandIns.StartAsync(cancellationToken);
            _users++;
            return _current;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task ReleaseAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_current is null || --_users > 0)
            {
                return;
            }

            var current = _current;
            _current = null;
            await current.DisposeAsync();
        }
        finally
        {
            Gate.Release();
        }
    }
}
