namespace S3Migrate.LocalS3.Protocol;

/// <summary>The decoded query string of a request, in the order it arrived. Valueless sub-resources have "" as value.</summary>
public sealed class QueryParameters
{
    private readonly List<KeyValuePair<string, string>> _parameters;

    private QueryParameters(List<KeyValuePair<string, string>> parameters) => _parameters = parameters;

    public IReadOnlyList<KeyValuePair<string, string>> All => _parameters;

    public static QueryParameters Parse(ReadOnlySpan<char> rawQuery)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        foreach (var range in rawQuery.Split('&'))
        {
            var pair = rawQuery[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            var equals = pair.IndexOf('=');
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? [] : pair[(equals + 1)..];
            parameters.Add(new(S3Encoding.Decode(name, plusAsSpace: true), S3Encoding.Decode(value, plusAsSpace: true)));
        }

        return new QueryParameters(parameters);
    }

    public bool Has(string name)
    {
        foreach (var parameter in _parameters)
        {
            if (parameter.Key == name)
            {
                return true;
            }
        }

        return false;
    }

    public string? Get(string name)
    {
        foreach (var parameter in _parameters)
        {
            if (parameter.Key == name)
            {
                return parameter.Value;
            }
        }

        return null;
    }

    /// <summary>A non-negative integer parameter; absent → <paramref name="defaultValue"/>; malformed → 400 InvalidArgument.</summary>
    public int GetInt(string name, int defaultValue, int min, int max)
    {
        var raw = Get(name);
        if (raw is null)
        {
            return defaultValue;
        }

        if (!int.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) ||
            value < min)
        {
            throw S3Errors.InvalidArgument($"Provided {name} not an integer or within integer range", name, raw);
        }

        return Math.Min(value, max);
    }
}
