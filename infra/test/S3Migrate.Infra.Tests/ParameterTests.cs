using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using S3Migrate.Infra.Tests.Support;
using Xunit;

namespace S3Migrate.Infra.Tests;

[Collection(SharedStacksDefinition.Name)]
public sealed class ParameterTests(Stacks stacks)
{
    [Fact]
    public void MigrationSettingsParameterHoldsTheBucketListInTheOriginalFormat()
    {
        var stack = stacks.PutSide;
        var parameter = stack.Properties(stack.OnlyResource("AWS::SSM::Parameter").Id);
        Assert.Equal("String", parameter["Type"]!.GetValue<string>());
        Assert.Equal("/s3migrate/S3Migrate-PutSide/migrations", parameter["Name"]!.GetValue<string>());

        var routes = JsonNode.Parse(parameter["Value"]!.GetValue<string>())!.AsArray();
        Assert.Equal(
            [
                """{"src_bucket":"src-photos","src_prefix":"","des_bucket":"dst-photos","des_prefix":"archive/"}""",
                """{"src_bucket":"src-logs","src_prefix":"app/","des_bucket":"dst-logs","des_prefix":"app/"}""",
                """{"src_bucket":"src-logs","src_prefix":"web/","des_bucket":"dst-logs","des_prefix":"web/"}""",
            ],
            routes.Select(r => r!.ToJsonString()));
    }

    [Fact]
    public void SilosAreToldWhichParametersToRead()
    {
        var environment = stacks.PutSide.SiloEnvironment();
        Assert.Equal("/s3migrate/S3Migrate-PutSide/migrations", environment["S3Migrate__Migrations__ParameterName"]);
        Assert.Equal("${RemoteCredentialsParameterName}", environment["S3Migrate__RemoteCredentials__ParameterName"]);
    }

    [Fact]
    public void CredentialsSecureStringIsReferencedByNameAndNeverCreated()
    {
        var stack = stacks.PutSide;
        Assert.Single(stack.Resources("AWS::SSM::Parameter"));
        stack.Template.HasParameter("RemoteCredentialsParameterName", new Dictionary<string, object>
        {
            ["Type"] = "String",
            ["Default"] = "/s3migrate/remote-credentials",
            ["AllowedPattern"] = Match.StringLikeRegexp("^\\^/"),
        });
    }
}
