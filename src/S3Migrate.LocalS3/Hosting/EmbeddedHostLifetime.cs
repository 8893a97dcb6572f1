using Microsoft.Extensions.Hosting;

namespace S3Migrate.LocalS3.Hosting;

/// <summary>
/// Endpoints are hosted inside another program (a test, the LocalS3 program, a benchmark): they must not take over
/// Ctrl+C and SIGTERM the way a console host does; their owner stops them.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
