using S3Migrate.Abstractions;

namespace S3Migrate.Grains.Grains;

/// <summary>A diff's durable progress: it resumes after its checkpoint when its silo is lost.</summary>
[GenerateSerializer, Alias("s3m.diffstate")]
public sealed class BucketDiffState
{
    [Id(0)]
    public DiffAssignment? Assignment { get; set; }

    /// <summary>The last source key whose job is published (or that needed none).</summary>
    [Id(1)]
    public string? Checkpoint { get; set; }

    [Id(2)]
    public long JobsEmitted { get; set; }

    [Id(3)]
    public long ObjectsSame { get; set; }

    [Id(4)]
    public long BytesSame { get; set; }

    [Id(5)]
    public bool Finished { get; set; }

    [Id(6)]
    public List<string> Children { get; set; } = [];

    [Id(7)]
    public string? Error { get; set; }

    /// <summary>What each child diff compares, so that a split can be started again after a lost silo.</summary>
    [Id(8)]
    public List<DiffAssignment> ChildAssignments { get; set; } = [];
}
