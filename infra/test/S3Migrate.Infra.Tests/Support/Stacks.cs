using Amazon.CDK;
using S3Migrate.Infra.Configuration;

namespace S3Migrate.Infra.Tests.Support;

/// <summary>Every synthesized deployment the tests share; each is synthesized once, on first use.</summary>
public sealed class Stacks
{
    private readonly Lazy<SynthesizedTemplate> _putSide = new(() => Synth.Stack("S3Migrate-PutSide", Variants.PutSide()));
    private readonly Lazy<SynthesizedTemplate> _getSide = new(() => Synth.Stack("S3Migrate-GetSide", Variants.GetSide()));
    private readonly Lazy<SynthesizedTemplate> _putSideInChina = new(() => Synth.Stack("S3Migrate-PutSideInChina", Variants.PutSideInChina()));
    private readonly Lazy<IReadOnlyDictionary<string, SynthesizedTemplate>> _app = new(() => SynthesizeApp(context: null));

    /// <summary>The source side, every default, with S3 events.</summary>
    public SynthesizedTemplate PutSide => _putSide.Value;

    /// <summary>The destination side, private subnets, most options changed.</summary>
    public SynthesizedTemplate GetSide => _getSide.Value;

    /// <summary>The source side pinned to cn-north-1.</summary>
    public SynthesizedTemplate PutSideInChina => _putSideInChina.Value;

    /// <summary>The app as shipped, with no context at all.</summary>
    public IReadOnlyDictionary<string, SynthesizedTemplate> App => _app.Value;

    public SynthesizedTemplate Global => App[S3MigrateApp.GlobalStackName];

    public SynthesizedTemplate China => App[S3MigrateApp.ChinaStackName];

    internal static IReadOnlyDictionary<string, SynthesizedTemplate> SynthesizeApp(IDictionary<string, object>? context)
    {
        var app = Synth.NewApp(context);
        S3MigrateApp.AddStacks(app);
        return Synth.Stacks(app);
    }
}

[Xunit.CollectionDefinition(Name)]
public sealed class SharedStacksDefinition : Xunit.ICollectionFixture<Stacks>
{
    public const string Name = "Synthesized S3Migrate stacks";
}
