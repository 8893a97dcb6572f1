using S3Migrate.Testing;

namespace S3Migrate.LocalS3.Tests;

/// <summary>A "global" and a "china" LocalS3 endpoint shared by the tests of one class.</summary>
public sealed class LocalS3Fixture : IAsyncLifetime
{
    private LocalS3Harness? _harness;

    public LocalS3Harness Harness => _harness ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _harness = await LocalS3Harness.StartAsync();

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }
}
