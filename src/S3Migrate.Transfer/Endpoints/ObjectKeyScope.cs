namespace S3Migrate.Transfer.Endpoints;

/// <summary>
/// The objects a piece of work addresses, flowing with the async context to the HTTP layer. The AWS SDK for .NET
/// signs a key that starts with '/' correctly but drops that slash from the URL it sends (the request then fails
/// with SignatureDoesNotMatch, or worse, addresses another key); <see cref="LeadingSlashKeyHandler"/> uses this scope
/// to put it back.
/// </summary>
public static class ObjectKeyScope
{
    private static readonly AsyncLocal<IReadOnlyList<(string Bucket, string Key)>?> Current = new();

    public static IReadOnlyList<(string Bucket, string Key)> Objects => Current.Value ?? [];

    /// <summary>Declares the objects the enclosed calls address; only keys starting with '/' need it.</summary>
    public static IDisposable Enter(params (string Bucket, string Key)[] objects)
    {
        var count = 0;
        foreach (var o in objects)
        {
            count += o.Key.StartsWith('/') ? 1 : 0;
        }

        if (count == 0)
        {
            return NoScope.Instance;
        }

        var needed = new (string, string)[count];
        count = 0;
        foreach (var o in objects)
        {
            if (o.Key.StartsWith('/'))
            {
                needed[count++] = o;
            }
        }

        var previous = Current.Value;
        Current.Value = [.. previous ?? [], .. needed];
        return new Scope(previous);
    }

    private sealed class Scope(IReadOnlyList<(string, string)>? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }

    private sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();

        public void Dispose()
        {
        }
    }
}
