using System.Text;

namespace S3Migrate.Transfer.Diff;

/// <summary>
/// A shell-style wildcard, case-sensitive, matched against a whole string: <c>*</c> matches any run of characters
/// including '/', <c>?</c> exactly one character, <c>[abc]</c>, <c>[a-z]</c> one of a set, <c>[!a-z]</c> (or
/// <c>[^a-z]</c>) one not in it; a ']' right after the opening '[' (or '[!') is a member. There is no escape
/// character (keys may hold '\'): write <c>[*]</c>, <c>[?]</c>, <c>[[]</c> for those characters. "Character" means
/// a Unicode scalar value, so <c>?</c> matches one emoji. Matching takes time proportional to pattern × text at worst.
/// </summary>
public sealed class GlobPattern
{
    private readonly Token[] _tokens;

    private GlobPattern(string text, Token[] tokens)
    {
        Text = text;
        _tokens = tokens;
    }

    private enum TokenKind
    {
        Literal,
        AnyOne,
        Star,
        Set,
    }

    public string Text { get; }

    /// <exception cref="ArgumentException">The pattern is empty or malformed; the message names it and says where.</exception>
    public static GlobPattern Parse(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Length == 0)
        {
            throw new ArgumentException("A glob pattern must not be empty.");
        }

        var tokens = new List<Token>();
        var literal = new StringBuilder();
        for (var i = 0; i < pattern.Length;)
        {
            var c = pattern[i];
            if (c is '*' or '?' or '[')
            {
                if (literal.Length > 0)
                {
                    tokens.Add(new Token(TokenKind.Literal, literal.ToString()));
                    literal.Clear();
                }
            }

            switch (c)
            {
                case '*':
                    if (tokens.Count == 0 || tokens[^1].Kind != TokenKind.Star)
                    {
                        tokens.Add(new Token(TokenKind.Star));
                    }

                    i++;
                    break;
                case '?':
                    tokens.Add(new Token(TokenKind.AnyOne));
                    i++;
                    break;
                case '[':
                    tokens.Add(ParseSet(pattern, ref i));
                    break;
                default:
                    literal.Append(c);
                    i++;
                    break;
            }
        }

        if (literal.Length > 0)
        {
            tokens.Add(new Token(TokenKind.Literal, literal.ToString()));
        }

        return new GlobPattern(pattern, [.. tokens]);
    }

    public bool IsMatch(ReadOnlySpan<char> text)
    {
        var tokens = _tokens;
        int t = 0, s = 0, starToken = -1, starText = 0;
        while (true)
        {
            if (t < tokens.Length && tokens[t].Kind == TokenKind.Star)
            {
                starToken = t++;
                starText = s;
                continue;
            }

            if (t < tokens.Length && s <= text.Length && TryMatch(tokens[t], text[s..], out var length))
            {
                t++;
                s += length;
                continue;
            }

            if (t == tokens.Length && s == text.Length)
            {
                return true;
            }

            // Let the last '*' take one more character and try the rest again from there.
            if (starToken < 0 || starText >= text.Length)
            {
                return false;
            }

            starText += ScalarLength(text[starText..]);
            t = starToken + 1;
            s = starText;
        }
    }

    public override string ToString() => Text;

    private static bool TryMatch(Token token, ReadOnlySpan<char> text, out int length)
    {
        length = 0;
        switch (token.Kind)
        {
            case TokenKind.Literal:
                length = token.Literal!.Length;
                return text.StartsWith(token.Literal, StringComparison.Ordinal);
            case TokenKind.AnyOne:
                if (text.IsEmpty)
                {
                    return false;
                }

                length = ScalarLength(text);
                return true;
            default:
                if (text.IsEmpty)
                {
                    return false;
                }

                Rune.DecodeFromUtf16(text, out var rune, out length);
                var inSet = false;
                foreach (var (low, high) in token.Ranges!)
                {
                    if (rune.Value >= low && rune.Value <= high)
                    {
                        inSet = true;
                        break;
                    }
                }

                return inSet != token.Negated;
        }
    }

    private static int ScalarLength(ReadOnlySpan<char> text)
    {
        Rune.DecodeFromUtf16(text, out _, out var consumed);
        return consumed;
    }

    /// <summary>Parses the set starting at <paramref name="i"/> (on its '[') and leaves <paramref name="i"/> after its ']'.</summary>
    private static Token ParseSet(string pattern, ref int i)
    {
        var open = i;
        i++;
        var negated = i < pattern.Length && pattern[i] is '!' or '^';
        if (negated)
        {
            i++;
        }

        var ranges = new List<(int Low, int High)>();
        var first = true;
        while (i < pattern.Length && (first || pattern[i] != ']'))
        {
            first = false;
            var low = ReadScalar(pattern, ref i);
            var high = low;
            if (i + 1 < pattern.Length && pattern[i] == '-' && pattern[i + 1] != ']')
            {
                i++;
                high = ReadScalar(pattern, ref i);
                if (high < low)
                {
                    throw new ArgumentException(
                        $"The glob pattern '{pattern}' has a reversed range '{char.ConvertFromUtf32(low)}-{char.ConvertFromUtf32(high)}' in the set at position {open + 1}.");
                }
            }

            ranges.Add((low, high));
        }

        if (i >= pattern.Length)
        {
            throw new ArgumentException(
                $"The glob pattern '{pattern}' has a '[' at position {open + 1} without a closing ']' (write '[[]' for a literal '[').");
        }

        i++;
        return new Token(TokenKind.Set, Ranges: [.. ranges], Negated: negated);
    }

    private static int ReadScalar(string pattern, ref int i)
    {
        Rune.DecodeFromUtf16(pattern.AsSpan(i), out var rune, out var consumed);
        i += consumed;
        return rune.Value;
    }

    private readonly record struct Token(TokenKind Kind, string? Literal = null, (int Low, int High)[]? Ranges = null, bool Negated = false);
}
