using System.Net;
using System.Net.Sockets;

namespace S3Migrate.Testing;

public static class LoopbackPort
{
    /// <summary>
    /// A port nothing listens on at this moment. Another process may still take it before the caller binds it,
    /// so callers retry with a new port when the bind fails.
    /// </summary>
    public static int FindFree()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
