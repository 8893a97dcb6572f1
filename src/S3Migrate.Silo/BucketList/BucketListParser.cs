using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using S3Migrate.Abstractions;

namespace S3Migrate.Silo.BucketList;

/// <summary>
/// Reads the original tool's bucket list: [{"src_bucket","src_prefix","des_bucket","des_prefix"}, …], with its key
/// mapping: the destination key is des_prefix, a '/', then the full source key (the source prefix is kept under the
/// destination prefix); a src_prefix of "/" means the whole bucket. Keys are kept exactly (no path normalisation, so
/// the original's collapsing of '//' and its off-by-one with a trailing '/' on des_prefix do not happen).
/// </summary>
public static class BucketListParser
{
    /// <summary>The routes of the list; a malformed list throws <see cref="FormatException"/> naming the entry and field.</summary>
    public static IReadOnlyList<MigrationRoute> Parse(string json, string origin)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new FormatException($"bucket list {origin} is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"bucket list {origin} must be a JSON array of {{src_bucket, src_prefix, des_bucket, des_prefix}}");
            }

            var routes = new List<MigrationRoute>();
            var index = 0;
            foreach (var entry in document.RootElement.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"bucket list {origin}: entry {index} is not an object");
                }

                var sourcePrefix = Field(entry, "src_prefix", origin, index, required: false);
                if (sourcePrefix == "/")
                {
                    sourcePrefix = string.Empty;
                }

                var destinationPrefix = Field(entry, "des_prefix", origin, index, required: false);
                if (destinationPrefix.Length > 0 && !destinationPrefix.EndsWith('/'))
                {
                    destinationPrefix += "/";
                }

                routes.Add(new MigrationRoute(
                    Field(entry, "src_bucket", origin, index, required: true),
                    sourcePrefix,
                    Field(entry, "des_bucket", origin, index, required: true),
                    destinationPrefix + sourcePrefix));
                index++;
            }

            return routes;
        }
    }

    /// <summary>A stable migration id for a route and its endpoints: the same entry always maps to the same migration.</summary>
    public static string MigrationId(MigrationRoute route, string sourceEndpoint, string destinationEndpoint)
    {
        var text = string.Join('\n', sourceEndpoint, route.SourceBucket, route.SourcePrefix, destinationEndpoint, route.DestinationBucket, route.DestinationPrefix);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
        return $"list-{route.SourceBucket}-{hash}";
    }

    private static string Field(JsonElement entry, string name, string origin, int index, bool required)
    {
        if (!entry.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw new FormatException($"bucket list {origin}: entry {index} has no \"{name}\"") : string.Empty;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"bucket list {origin}: entry {index}: \"{name}\" must be a string");
        }

        var text = value.GetString()!;
        if (required && text.Length == 0)
        {
            throw new FormatException($"bucket list {origin}: entry {index}: \"{name}\" is empty");
        }

        return text;
    }
}
