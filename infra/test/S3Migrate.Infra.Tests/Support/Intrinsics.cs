using System.Text.Json.Nodes;

namespace S3Migrate.Infra.Tests.Support;

/// <summary>
/// Renders CloudFormation values as text, the way they read after deployment: <c>Ref X</c> becomes <c>${X}</c>,
/// <c>GetAtt X.Y</c> becomes <c>${X.Y}</c>, and <c>Fn::Join</c>/<c>Fn::Base64</c> are applied.
/// </summary>
internal static class Intrinsics
{
    public static string Render(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonValue value when value.TryGetValue(out string? text) => text,
        JsonValue value => value.ToJsonString(),
        JsonObject o when o["Ref"] is JsonValue reference => "${" + reference.GetValue<string>() + "}",
        JsonObject o when o["Fn::GetAtt"] is JsonArray attribute => "${" + string.Join('.', attribute.Select(a => a!.GetValue<string>())) + "}",
        JsonObject o when o["Fn::Join"] is JsonArray join => string.Join(join[0]!.GetValue<string>(), join[1]!.AsArray().Select(Render)),
        JsonObject o when o["Fn::Base64"] is { } content => Render(content),
        _ => node.ToJsonString(),
    };

    /// <summary>A value that may be a single item or a list, as list items.</summary>
    public static IReadOnlyList<JsonNode?> OneOrMany(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => [.. array],
        _ => [node],
    };

    public static IReadOnlyList<string> RenderAll(JsonNode? node) => [.. OneOrMany(node).Select(Render)];
}
