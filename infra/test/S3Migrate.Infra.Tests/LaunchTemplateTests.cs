using Amazon.CDK.Assertions;
using S3Migrate.Infra.Tests.Support;
using Xunit;
using static S3Migrate.Infra.Tests.Support.Intrinsics;

namespace S3Migrate.Infra.Tests;

[Collection(SharedStacksDefinition.Name)]
public sealed class LaunchTemplateTests(Stacks stacks)
{
    [Fact]
    public void LaunchTemplateRequiresImdsV2()
    {
        stacks.PutSide.Template.HasResourceProperties("AWS::EC2::LaunchTemplate", new Dictionary<string, object>
        {
            ["LaunchTemplateData"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["MetadataOptions"] = Match.ObjectLike(new Dictionary<string, object> { ["HttpTokens"] = "required" }),
            }),
        });
    }

    [Fact]
    public void ImageIsAmazonLinux2023ResolvedAtDeployTimeWithoutLookups()
    {
        foreach (var (stack, architecture) in new[] { (stacks.PutSide, "x86_64"), (stacks.GetSide, "arm64") })
        {
            var data = stack.Properties(stack.OnlyResource("AWS::EC2::LaunchTemplate").Id)["LaunchTemplateData"]!;
            var parameterName = Render(data["ImageId"]).Trim('$', '{', '}');
            var parameter = stack.Json["Parameters"]![parameterName]!;
            Assert.Equal("AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", parameter["Type"]!.GetValue<string>());
            var path = parameter["Default"]!.GetValue<string>();
            Assert.StartsWith("/aws/service/ami-amazon-linux-latest/al2023-ami-", path, StringComparison.Ordinal);
            Assert.EndsWith(architecture, path, StringComparison.Ordinal);
            Assert.Null(stack.Assembly.Manifest.Missing);
        }
    }

    [Fact]
    public void RootVolumeIsEncryptedGp3()
    {
        var stack = stacks.PutSide;
        var mapping = Assert.Single(stack.Properties(stack.OnlyResource("AWS::EC2::LaunchTemplate").Id)["LaunchTemplateData"]!["BlockDeviceMappings"]!.AsArray())!;
        Assert.Equal("/dev/xvda", mapping["DeviceName"]!.GetValue<string>());
        Assert.True(mapping["Ebs"]!["Encrypted"]!.GetValue<bool>());
        Assert.Equal("gp3", mapping["Ebs"]!["VolumeType"]!.GetValue<string>());
    }

    [Fact]
    public void SilosRunWithTheSiloRole()
    {
        var stack = stacks.PutSide;
        var profile = stack.OnlyResource("AWS::IAM::InstanceProfile");
        Assert.Equal(["${" + stack.Id("AWS::IAM::Role", "SiloRole") + "}"], RenderAll(profile.Resource["Properties"]!["Roles"]));
        var data = stack.Properties(stack.OnlyResource("AWS::EC2::LaunchTemplate").Id)["LaunchTemplateData"]!;
        Assert.Equal("${" + profile.Id + ".Arn}", Render(data["IamInstanceProfile"]!["Arn"]));
    }
}
