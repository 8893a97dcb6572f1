using Amazon;
using Xunit;

namespace S3Migrate.Testing;

/// <summary>
/// xUnit collection fixture that hands the test process's <see cref="SharedStandIns"/> to the tests of a
/// collection. xUnit only finds collection definitions in the test assembly itself, so each test project
/// declares its own <c>[CollectionDefinition]</c> class implementing <c>ICollectionFixture&lt;StandInsFixture&gt;</c>.
/// </summary>
public sealed class StandInsFixture : IAsyncLifetime
{
    private StandIns? _standIns;

    public StandInsFixture()
    {
        // AWSSDK v4 leaves request and response collections null unless told otherwise; tests read and fill them freely.
        AWSConfigs.InitializeCollections = true;
    }

    public StandIns StandIns =>
        _standIns ?? throw new InvalidOperationException("The stand-ins are available once xUnit has initialized the fixture.");

    public async Task InitializeAsync() => _standIns = await SharedStandIns.AcquireAsync();

    public async Task DisposeAsync()
    {
        if (_standIns is null)
        {
            return;
        }

        _standIns = null;
        await SharedStandIns.ReleaseAsync();
    }
}
