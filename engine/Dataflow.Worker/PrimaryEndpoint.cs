using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dataflow.CommandLine;

namespace Dataflow.Worker;

/// <summary>Turns <c>Dataflow:Worker:PrimarySilo</c> (<c>host:port</c>) into the endpoint development clustering needs.</summary>
internal static class PrimaryEndpoint
{
    /// <summary>Parses an IP endpoint, or resolves <c>host:port</c> (IPv4 preferred, as the silos listen on IPv4).</summary>
    /// <param name="text">The configured value; null or empty when this silo is the primary.</param>
    /// <returns>The endpoint, or null when this silo is the primary.</returns>
    /// <exception cref="UsageException">No port, or a host name that does not resolve.</exception>
    public static IPEndPoint? Resolve(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port != 0)
        {
            return endpoint;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
        {
            throw new UsageException($"--primary '{text}' is not host:port; write e.g. --primary 127.0.0.1:11111");
        }

        var host = text[..colon];
        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(host);
        }
        catch (SocketException e)
        {
            throw new UsageException($"--primary '{text}': cannot resolve host '{host}' ({e.Message})", e);
        }

        var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new UsageException($"--primary '{text}': host '{host}' has no address");
        return new IPEndPoint(address, port);
    }
}
