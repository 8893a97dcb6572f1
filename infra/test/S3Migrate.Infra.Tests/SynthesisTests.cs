using S3Migrate.Infra.Tests.Support;
using Xunit;
using static S3Migrate.Infra.Tests.Support.Intrinsics;

namespace S3Migrate.Infra.Tests;

[Collection(SharedStacksDefinition.Name)]
public sealed class SynthesisTests(Stacks stacks)
{
    [Fact]
    public void AppSynthesizesAGlobalAndAChinaVariantWithoutMissingContext()
    {
        Assert.Equal(["S3Migrate-China", "S3Migrate-Global"], stacks.App.Keys.Order());
        Assert.All(stacks.App.Values, stack =>
        {
            Assert.Null(stack.Assembly.Manifest.Missing);
            var artifact = stack.Assembly.GetStackByName(stack.Name);
            Assert.Equal("aws://unknown-account/unknown-region", artifact.Environment.Name);
        });
    }

    [Fact]
    public void GlobalVariantRunsPutAndChinaVariantRunsGet()
    {
        Assert.Equal("PUT", stacks.Global.SiloEnvironment()["S3Migrate__JobType"]);
        Assert.Equal("GET", stacks.China.SiloEnvironment()["S3Migrate__JobType"]);
    }

    [Fact]
    public void StackPinnedToAChinaRegionNeedsNoLookupsAndTakesItsPartitionFromCloudFormation()
    {
        var stack = stacks.PutSideInChina;
        Assert.Null(stack.Assembly.Manifest.Missing);
        Assert.Contains(":ssm:cn-north-1:", stack.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("arn:aws:", stack.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("arn:aws-cn:", stack.Text, StringComparison.Ordinal);
        Assert.Contains("arn:${AWS::Partition}:s3:::src-photos/*", RenderAll(stack.SiloStatement("ReadLocalSourceObjects")["Resource"]));
    }

    [Fact]
    public void TemplatesDeployWithoutCdkBootstrap()
    {
        Assert.All(stacks.App.Values, stack =>
        {
            Assert.Null(stack.Json["Rules"]);
            Assert.Null(stack.Json["Parameters"]!["BootstrapVersion"]);
            Assert.DoesNotContain(stack.Json["Parameters"]!.AsObject(), p => p.Key.StartsWith("AssetParameters", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void ExampleSettingsFileDrivesBothVariants()
    {
        var context = new Dictionary<string, object> { [S3MigrateApp.SettingsContextKey] = InfraDirectory.Combine("settings.example.json") };
        var synthesized = Stacks.SynthesizeApp(context);
        Assert.All(synthesized.Values, stack =>
        {
            Assert.Equal("PUT", stack.SiloEnvironment()["S3Migrate__JobType"]);
            Assert.Single(stack.Resources("Custom::S3BucketNotifications"));
            Assert.Contains("example-source-bucket", stack.Properties(stack.OnlyResource("AWS::SSM::Parameter").Id)["Value"]!.GetValue<string>(), StringComparison.Ordinal);
        });
    }
}
