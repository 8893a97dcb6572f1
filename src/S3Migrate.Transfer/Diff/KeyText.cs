using System.Globalization;
using System.Text;

namespace S3Migrate.Transfer.Diff;

/// <summary>Keys as messages show them: quoted, control characters escaped, so an operator can tell which key it is.</summary>
internal static class KeyText
{
    public static string Show(string key)
    {
        if (!key.Any(char.IsControl))
        {
            return $"'{key}'";
        }

        var text = new StringBuilder("'");
        foreach (var c in key)
        {
            if (char.IsControl(c))
            {
                text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.Append('\'').ToString();
    }
}
