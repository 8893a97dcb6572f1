namespace S3Migrate.Orleans.Aws.Tests.Storage;

/// <summary>A grain state with a number and a text, serialized by Orleans' generated codec.</summary>
[GenerateSerializer]
public sealed class TestState
{
    [Id(0)]
    public int Count { get; set; }

    [Id(1)]
    public string Text { get; set; } = string.Empty;
}
