using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace S3Migrate.Benchmarks;

/// <summary>
/// A loopback TCP proxy in front of a stand-in (DynamoDB Local, fauxqs) that counts the requests it forwards by the
/// operation their <c>X-Amz-Target</c> header names — what the stand-in received, whoever sent it.
/// </summary>
internal sealed class CountingProxy : IAsyncDisposable
{
    private const string Header = "\r\nx-amz-target: ";
    private const int Carry = 256;

    private readonly TcpListener _listener;
    private readonly Uri _target;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly Task _accepting;

    private CountingProxy(Uri target)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Url { get; }

    public static CountingProxy Start(Uri target) => new(target);

    /// <summary>Requests by operation ("PutItem", "SendMessageBatch", …) since the last <see cref="Reset"/>.</summary>
    public IReadOnlyDictionary<string, long> Counts => new Dictionary<string, long>(_counts, StringComparer.Ordinal);

    public long Count(params string[] operations) => operations.Sum(o => _counts.GetValueOrDefault(o));

    public long Total => _counts.Values.Sum();

    public void Reset() => _counts.Clear();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting.ContinueWith(static _ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(_target.Host, _target.Port, _stopping.Token);
                var toServer = PumpAsync(client.GetStream(), server.GetStream(), count: true);
                var toClient = PumpAsync(server.GetStream(), client.GetStream(), count: false);
                await Task.WhenAny(toServer, toClient);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
            }
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool count)
    {
        var buffer = new byte[64 * 1024];
        var carry = string.Empty;
        while (true)
        {
            var read = await from.ReadAsync(buffer, _stopping.Token);
            if (read == 0)
            {
                to.Socket.Shutdown(SocketShutdown.Send);
                return;
            }

            if (count)
            {
                carry = CountHeaders(carry, Encoding.Latin1.GetString(buffer, 0, read));
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
        }
    }

    /// <summary>Counts headers that end in the new text (those ending in the carried tail were counted before).</summary>
    private string CountHeaders(string carry, string text)
    {
        var combined = carry + text;
        var at = 0;
        while ((at = combined.IndexOf(Header, at, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            var start = at + Header.Length;
            var end = combined.IndexOf("\r\n", start, StringComparison.Ordinal);
            if (end < 0)
            {
                break;
            }

            if (end + 2 > carry.Length)
            {
                var target = combined[start..end];
                _counts.AddOrUpdate(target[(target.LastIndexOf('.') + 1)..], 1, static (_, n) => n + 1);
            }

            at = end;
        }

        return combined.Length <= Carry ? combined : combined[^Carry..];
    }
}
