using System.Security.Cryptography;
using System.Text;
using Dataflow.Configuration;

namespace Dataflow.Cluster.Security;

/// <summary>
/// The cluster key (<c>Dataflow:Cluster:Key</c> or <c>Dataflow:Cluster:KeyFile</c>) and the proofs made with it. Shipping
/// assemblies is code execution by design, so a worker with a key admits a driver's application only once the driver
/// has answered a fresh challenge with <see cref="DriverProof"/>, and the driver ships nothing until the worker has
/// answered its own with <see cref="WorkerProof"/>. Both are HMAC-SHA256 over both nonces, the application id and,
/// for the driver, the application's ticket; each side's label keeps one proof from being replayed as the other. The
/// key never travels.
/// </summary>
internal sealed class ClusterKey
{
    private const string Section = $"{DataflowOptions.SectionName}:{nameof(DataflowOptions.Cluster)}";
    private const UnixFileMode OthersMayAccess = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static readonly byte[] s_driverLabel = Encoding.ASCII.GetBytes("dataflow cluster key: driver v1\n");
    private static readonly byte[] s_workerLabel = Encoding.ASCII.GetBytes("dataflow cluster key: worker v1\n");

    private readonly byte[] _key;

    private ClusterKey(byte[] key) => _key = key;

    /// <summary>The bytes of a fresh challenge.</summary>
    public const int NonceBytes = 32;

    /// <summary>The configured key, or null when none is configured.</summary>
    /// <exception cref="DataflowConfigurationException">The key file is missing, unreadable, readable by others or too short.</exception>
    public static ClusterKey? Load(DataflowClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Key is { } text)
        {
            return new ClusterKey(Encoding.UTF8.GetBytes(text.Trim()));
        }

        return options.KeyFile is { } path ? new ClusterKey(ReadFile(path)) : null;
    }

    /// <summary>A fresh random nonce.</summary>
    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(NonceBytes);

    /// <summary>What a driver answers to a worker's challenge.</summary>
    public byte[] DriverProof(string appId, byte[] workerNonce, byte[] driverNonce, byte[] ticket) =>
        Mac(s_driverLabel, Encoding.UTF8.GetBytes(appId), workerNonce, driverNonce, ticket);

    /// <summary>What a worker answers to a driver's challenge.</summary>
    public byte[] WorkerProof(string appId, byte[] workerNonce, byte[] driverNonce) =>
        Mac(s_workerLabel, Encoding.UTF8.GetBytes(appId), driverNonce, workerNonce);

    /// <summary>Compares a proof received with the one expected, in time independent of where they differ.</summary>
    public static bool Matches(byte[] expected, byte[]? received) =>
        received is not null && CryptographicOperations.FixedTimeEquals(expected, received);

    private byte[] Mac(params byte[][] parts)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        Span<byte> length = stackalloc byte[4];
        foreach (var part in parts)
        {
            // Length-prefixed, so that no two different sequences of parts give the same input.
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, part.Length);
            hmac.AppendData(length);
            hmac.AppendData(part);
        }

        return hmac.GetHashAndReset();
    }

    private static byte[] ReadFile(string path)
    {
        var key = $"{Section}:{nameof(DataflowClusterOptions.KeyFile)}";
        string text;
        try
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & OthersMayAccess) != 0)
            {
                var mode = Convert.ToString((int)File.GetUnixFileMode(path), 8);
                throw new DataflowConfigurationException(
                    $"{key} '{path}' may be read by other users (mode {mode}): a cluster key file must be its owner's only; run chmod 600 {path}");
            }

            text = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataflowConfigurationException($"{key} '{path}' cannot be read: {e.Message}", e);
        }

        if (text.Length < DataflowClusterOptionsValidator.MinKeyLength)
        {
            throw new DataflowConfigurationException(
                $"{key} '{path}' holds {text.Length} characters; a cluster key has at least {DataflowClusterOptionsValidator.MinKeyLength}: generate one with: (umask 077; openssl rand -hex 32 > {path})");
        }

        return Encoding.UTF8.GetBytes(text);
    }
}
