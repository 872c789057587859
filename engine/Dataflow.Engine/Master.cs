using System.Globalization;
using System.Text.RegularExpressions;

namespace Dataflow;

/// <summary>
/// A parsed master URL: <c>local</c> (one thread), <c>local[N]</c>, <c>local[*]</c> (one thread per core) or
/// <c>orleans://host:port[,host:port...]</c> (the gateways of a worker cluster) or <c>orleans+redis://host:port[/db]</c> (a
/// cluster whose membership a Redis server keeps: the driver finds the gateways there).
/// </summary>
public sealed partial record Master
{
    private const string AcceptedForms = "local, local[N], local[*], orleans://host:port[,host:port...] or orleans+redis://host:port[/db]";

    private Master(string url, int localThreads, IReadOnlyList<string> gateways, string? redis = null)
    {
        Url = url;
        LocalThreads = localThreads;
        Gateways = gateways;
        RedisConfiguration = redis;
    }

    /// <summary>The text it was parsed from.</summary>
    public string Url { get; }

    /// <summary>Executor threads in local mode; 0 for a cluster.</summary>
    public int LocalThreads { get; }

    /// <summary>The gateway endpoints of a cluster master; empty in local mode.</summary>
    public IReadOnlyList<string> Gateways { get; }

    /// <summary>
    /// For <c>orleans+redis://host:port[/db]</c>: the membership store as StackExchange.Redis configuration,
    /// <c>host:port</c> or <c>host:port,defaultDatabase=db</c>; null otherwise.
    /// </summary>
    public string? RedisConfiguration { get; }

    /// <summary>Whether tasks run in the driver's process.</summary>
    public bool IsLocal => LocalThreads > 0;

    /// <summary>
    /// The master to use: <paramref name="explicitMaster"/> (from code or <c>--master</c>), else the
    /// <c>DATAFLOW_MASTER</c> environment variable, else <c>local[*]</c>.
    /// </summary>
    public static Master Resolve(string? explicitMaster)
    {
        if (!string.IsNullOrWhiteSpace(explicitMaster))
        {
            return Parse(explicitMaster);
        }

        var fromEnvironment = Environment.GetEnvironmentVariable("DATAFLOW_MASTER");
        return Parse(string.IsNullOrWhiteSpace(fromEnvironment) ? "local[*]" : fromEnvironment);
    }

    /// <summary>
    /// Parses a master URL; throws <see cref="ArgumentException"/> whose message names the value and the accepted forms
    /// (and no parameter name, since command-line programs print it as it is).
    /// </summary>
    public static Master Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var text = url.Trim();
        if (text == "local")
        {
            return new Master(text, 1, []);
        }

        var local = LocalPattern().Match(text);
        if (local.Success)
        {
            var threads = local.Groups[1].Value == "*"
                ? Environment.ProcessorCount
                : int.Parse(local.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture);
            if (threads < 1)
            {
                throw new ArgumentException($"Master '{url}' asks for {threads} threads; use local[N] with N >= 1, local[*] or orleans://host:port.");
            }

            return new Master(text, threads, []);
        }

        if (text.StartsWith("orleans://", StringComparison.OrdinalIgnoreCase))
        {
            var gateways = text["orleans://".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (gateways.Length == 0 || gateways.Any(g => !GatewayPattern().IsMatch(g)))
            {
                throw new ArgumentException($"Master '{url}' must list gateways as orleans://host:port[,host:port...].");
            }

            return new Master(text, 0, gateways);
        }

        const string redisScheme = "orleans+redis://";
        if (text.StartsWith(redisScheme, StringComparison.OrdinalIgnoreCase))
        {
            var redis = RedisPattern().Match(text[redisScheme.Length..]);
            if (!redis.Success)
            {
                throw new ArgumentException($"Master '{url}' must name the Redis server as orleans+redis://host:port[/db], e.g. orleans+redis://10.0.0.5:6379/0.");
            }

            var configuration = redis.Groups["db"].Success
                ? $"{redis.Groups["endpoint"].Value},defaultDatabase={int.Parse(redis.Groups["db"].Value, NumberStyles.None, CultureInfo.InvariantCulture)}"
                : redis.Groups["endpoint"].Value;
            return new Master(text, 0, [], configuration);
        }

        throw new ArgumentException($"Unknown master '{url}'; use {AcceptedForms}.");
    }

    /// <inheritdoc />
    public override string ToString() => Url;

    [GeneratedRegex(@"^local\[(\*|\d{1,6})\]$")]
    private static partial Regex LocalPattern();

    [GeneratedRegex(@"^[^:\s,]+:\d{1,5}$")]
    private static partial Regex GatewayPattern();

    [GeneratedRegex(@"^(?<endpoint>[^:\s,/]+:\d{1,5})(/(?<db>\d{1,3}))?/?$")]
    private static partial Regex RedisPattern();
}
