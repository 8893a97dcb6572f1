using System.Runtime.InteropServices;

namespace S3Migrate.Cli.Console;

/// <summary>
/// Ctrl+C and SIGTERM: the first asks the run to stop gracefully (parts in flight finish, everything stays resumable);
/// a second one exits at once.
/// </summary>
internal sealed class Interrupt : IDisposable
{
    private readonly CancellationTokenSource _requested = new();
    private readonly PosixSignalRegistration[] _registrations;

    public Interrupt()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    public CancellationToken Token => _requested.Token;

    public bool Requested => _requested.IsCancellationRequested;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _requested.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        if (_requested.IsCancellationRequested)
        {
            System.Console.Error.WriteLine("s3migrate: stopping now; unfinished objects resume on the next run");
            Environment.Exit(ExitCodes.Interrupted);
        }

        System.Console.Error.WriteLine("s3migrate: interrupting: letting parts in flight finish (Ctrl+C again to stop at once)");
        _requested.Cancel();
    }
}
