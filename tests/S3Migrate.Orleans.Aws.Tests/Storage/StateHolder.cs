using System.Diagnostics.CodeAnalysis;

namespace S3Migrate.Orleans.Aws.Tests.Storage;

/// <summary>
/// What the Orleans runtime hands a storage provider for one activation's state. Reading a state the provider
/// left null fails the test, since the runtime never expects one.
/// </summary>
internal sealed class StateHolder(TestState? state, string? etag = null) : IGrainState<TestState>
{
    private TestState? _state = state;

    public StateHolder()
        : this(new TestState())
    {
    }

    [AllowNull]
    public TestState State
    {
        get => _state ?? throw new InvalidOperationException("The storage provider left the state null.");
        set => _state = value;
    }

    public string? ETag { get; set; } = etag;

    public bool RecordExists { get; set; }
}
