using System.Security.Cryptography;
using System.Text;
using Dataflow.Cluster.Security;
using Dataflow.Configuration;

namespace Dataflow.Cluster.Tests.Security;

/// <summary>The cluster key as configured (a key file readable by others is refused) and the proofs made with it.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClusterKeyTests : IDisposable
{
    private const string Key = "0123456789abcdef0123456789abcdef";

    private readonly string _dir = Directory.CreateTempSubdirectory("dataflow-key-").FullName;

    [Fact]
    public void KeyFile_ReadableByOthers_IsRefusedNamingChmod600()
    {
        var path = Path.Combine(_dir, "cluster.key");
        File.WriteAllText(path, Key + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = Assert.Throws<DataflowConfigurationException>(() => ClusterKey.Load(new DataflowClusterOptions { KeyFile = path }));

        Assert.Contains("Dataflow:Cluster:KeyFile", error.Message, StringComparison.Ordinal);
        Assert.Contains("mode 644", error.Message, StringComparison.Ordinal);
        Assert.Contains($"chmod 600 {path}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyFile_OwnersOnly_GivesTheProofsOfTheSameKeyGivenInline()
    {
        var path = Path.Combine(_dir, "cluster.key");
        File.WriteAllText(path, "  " + Key + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var fromFile = ClusterKey.Load(new DataflowClusterOptions { KeyFile = path })!;
        var inline = ClusterKey.Load(new DataflowClusterOptions { Key = Key })!;
        var (worker, driver, ticket) = (ClusterKey.NewNonce(), ClusterKey.NewNonce(), RandomNumberGenerator.GetBytes(32));

        Assert.Equal(inline.DriverProof("app1", worker, driver, ticket), fromFile.DriverProof("app1", worker, driver, ticket));
        Assert.Null(ClusterKey.Load(new DataflowClusterOptions()));
    }

    [Fact]
    public void KeyFile_TooShort_IsRefused()
    {
        var path = Path.Combine(_dir, "short.key");
        File.WriteAllText(path, "short");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var error = Assert.Throws<DataflowConfigurationException>(() => ClusterKey.Load(new DataflowClusterOptions { KeyFile = path }));
        Assert.Contains("at least 16", error.Message, StringComparison.Ordinal);
        Assert.Contains("openssl rand -hex 32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DriverProof_IsHmacSha256OfTheLabelledLengthPrefixedParts()
    {
        var key = ClusterKey.Load(new DataflowClusterOptions { Key = Key })!;
        var (worker, driver, ticket) = (ClusterKey.NewNonce(), ClusterKey.NewNonce(), RandomNumberGenerator.GetBytes(32));

        // An independent computation of the documented construction.
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), Concat(Encoding.ASCII.GetBytes("dataflow cluster key: driver v1\n"), Encoding.UTF8.GetBytes("app1"), worker, driver, ticket));
        Assert.Equal(expected, key.DriverProof("app1", worker, driver, ticket));
        // Another key, nonce or application gives another proof; the worker's proof is never the driver's.
        Assert.NotEqual(expected, ClusterKey.Load(new DataflowClusterOptions { Key = Key + "x" })!.DriverProof("app1", worker, driver, ticket));
        Assert.NotEqual(expected, key.DriverProof("app1", ClusterKey.NewNonce(), driver, ticket));
        Assert.NotEqual(expected, key.DriverProof("app2", worker, driver, ticket));
        Assert.NotEqual(key.WorkerProof("app1", worker, driver), key.DriverProof("app1", worker, driver, []));
        Assert.True(ClusterKey.Matches(expected, [.. expected]));
        Assert.False(ClusterKey.Matches(expected, null));
    }

    [Fact]
    public void Options_KeyAndKeyFileTogether_OrAShortKey_FailValidation()
    {
        var both = Assert.Throws<DataflowConfigurationException>(() => DataflowConfiguration.Load(
            [new("Dataflow:Cluster:Key", Key), new("Dataflow:Cluster:KeyFile", "/k")], null, new System.Collections.Hashtable()));
        Assert.Contains("Dataflow:Cluster:Key and Dataflow:Cluster:KeyFile are both set", both.Message, StringComparison.Ordinal);
        var shortKey = Assert.Throws<DataflowConfigurationException>(() => DataflowConfiguration.Load([new("Dataflow:Cluster:Key", "abc")], null, new System.Collections.Hashtable()));
        Assert.Contains("Dataflow:Cluster:Key must be at least 16 characters, got 3", shortKey.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'abc'", shortKey.Message, StringComparison.Ordinal);
    }

    private static byte[] Concat(params byte[][] parts)
    {
        var bytes = new List<byte>();
        foreach (var part in parts)
        {
            var length = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, part.Length);
            bytes.AddRange(length);
            bytes.AddRange(part);
        }

        return [.. bytes];
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
