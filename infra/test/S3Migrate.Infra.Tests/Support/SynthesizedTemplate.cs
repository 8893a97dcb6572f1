using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;

namespace S3Migrate.Infra.Tests.Support;

/// <summary>A stack as synthesized to disk: its template for the CDK's assertions, as JSON, and where it was written.</summary>
public sealed class SynthesizedTemplate
{
    internal SynthesizedTemplate(string name, string templatePath, Amazon.CDK.CXAPI.CloudAssembly assembly)
    {
        Name = name;
        TemplatePath = templatePath;
        Text = File.ReadAllText(templatePath);
        Json = JsonNode.Parse(Text)!.AsObject();
        Template = Template.FromString(Text);
        Assembly = assembly;
    }

    public string Name { get; }

    public string TemplatePath { get; }

    public string Text { get; }

    public JsonObject Json { get; }

    public Template Template { get; }

    public Amazon.CDK.CXAPI.CloudAssembly Assembly { get; }

    public JsonObject ResourcesNode => Json["Resources"]!.AsObject();

    public IEnumerable<(string Id, JsonObject Resource)> Resources(string type) =>
        ResourcesNode.Where(r => r.Value!["Type"]!.GetValue<string>() == type).Select(r => (r.Key, r.Value!.AsObject()));

    public JsonObject Properties(string id) => ResourcesNode[id]!["Properties"]!.AsObject();

    public (string Id, JsonObject Resource) OnlyResource(string type) => Resources(type).Single();

    /// <summary>The logical id of the one resource of <paramref name="type"/> whose id starts with <paramref name="idPrefix"/>.</summary>
    public string Id(string type, string idPrefix) => Resources(type).Single(r => r.Id.StartsWith(idPrefix, StringComparison.Ordinal)).Id;

    /// <summary>Statements of every identity policy (AWS::IAM::Policy) in the template.</summary>
    public IReadOnlyList<JsonObject> AllPolicyStatements() =>
        [.. Resources("AWS::IAM::Policy").SelectMany(p => p.Resource["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()))];

    /// <summary>Statements of the silos' own policy.</summary>
    public IReadOnlyList<JsonObject> SiloStatements() =>
        [.. Properties(Id("AWS::IAM::Policy", "SiloRolePolicy"))["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject())];

    public JsonObject SiloStatement(string sid) =>
        SiloStatements().SingleOrDefault(s => s["Sid"]?.GetValue<string>() == sid)
        ?? throw new Xunit.Sdk.XunitException($"The silo policy of {Name} has no statement {sid}.");

    /// <summary>The launch template's user data as the instance receives it (references shown as ${...}).</summary>
    public string UserData() =>
        Intrinsics.Render(Properties(OnlyResource("AWS::EC2::LaunchTemplate").Id)["LaunchTemplateData"]!["UserData"]);

    /// <summary>The body of the here-document that writes <paramref name="path"/> in the user data.</summary>
    public string FileWrittenByUserData(string path)
    {
        var lines = UserData().Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith($"cat > {path} <<'", StringComparison.Ordinal));
        if (start < 0)
        {
            throw new Xunit.Sdk.XunitException($"The user data of {Name} does not write {path}.");
        }

        var terminator = lines[start].Split("<<'")[1].TrimEnd('\'');
        var end = Array.IndexOf(lines, terminator, start + 1);
        return string.Join('\n', lines[(start + 1)..end]);
    }

    /// <summary>The silo's environment file as a dictionary.</summary>
    public IReadOnlyDictionary<string, string> SiloEnvironment() =>
        FileWrittenByUserData("/etc/s3migrate/silo.env").Split('\n')
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
}
