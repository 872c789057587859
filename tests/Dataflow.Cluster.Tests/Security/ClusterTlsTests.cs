using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dataflow.Cluster.Security;
using Dataflow.Cluster.Tests.Support;
using Dataflow.Configuration;

namespace Dataflow.Cluster.Tests.Security;

/// <summary>
/// A cluster whose silos and driver use TLS with the cluster's certificate (generated here, loaded from a .pfx as
/// <c>Dataflow:Cluster:TlsCertificate</c> is) runs a job over TLS connections; a node accepts only a peer that presents
/// that certificate.
/// </summary>
public sealed class ClusterTlsTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dataflow-tls-").FullName;
    private readonly X509Certificate2 _certificate;
    private readonly InProcessCluster _cluster;
    private int _serverHandshakes;

    public ClusterTlsTests()
    {
        var path = Path.Combine(_dir, "cluster.pfx");
        using (var made = SelfSigned("dataflow-cluster"))
        {
            File.WriteAllBytes(path, made.Export(X509ContentType.Pkcs12, "secret"));
        }

        _certificate = ClusterTls.Load(new DataflowClusterOptions { TlsCertificate = path, TlsCertificatePassword = "secret" })!;
        _cluster = new InProcessCluster("tls", configure: silo => silo.UseDataflowTls(_certificate, o => o.OnAuthenticateAsServer = (_, _) => Interlocked.Increment(ref _serverHandshakes)), configureClient: client => client.UseDataflowTls(_certificate));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _cluster.InitializeAsync();

    [Fact]
    public async Task TlsCluster_RunsAJob_AndItsGatewaysShakeHandsOnlyWithTheClusterCertificate()
    {
        await using (var ctx = new DataflowContext(new DataflowOptions { Master = _cluster.Master }))
        {
            var counts = await ctx.Parallelize(Enumerable.Range(0, 2_000).ToArray(), 4).Select(x => (x % 7, 1L)).ReduceByKey((a, b) => a + b, 3).ToArrayAsync(Ct);
            Assert.Equal(Enumerable.Range(0, 2_000).GroupBy(x => x % 7).ToDictionary(g => g.Key, g => (long)g.Count()), counts.ToDictionary(p => p.Item1, p => p.Item2));
        }

        // Connections to the silos (the driver's, and between silos) shook hands with the cluster's certificate,
        // which is the only one a node accepts.
        Assert.True(Volatile.Read(ref _serverHandshakes) > 0);
        using var stranger = SelfSigned("dataflow-cluster");
        Assert.True(ClusterTls.IsClusterCertificate(X509CertificateLoader.LoadCertificate(_certificate.RawData), _certificate));
        Assert.False(ClusterTls.IsClusterCertificate(stranger, _certificate));
        Assert.False(ClusterTls.IsClusterCertificate(null, _certificate));
    }

    [Fact]
    public void Load_AWrongPassword_NamesTheKeys()
    {
        var error = Assert.Throws<DataflowConfigurationException>(() => ClusterTls.Load(new DataflowClusterOptions { TlsCertificate = Path.Combine(_dir, "cluster.pfx"), TlsCertificatePassword = "wrong" }));
        Assert.Contains("Dataflow:Cluster:TlsCertificate", error.Message, StringComparison.Ordinal);
        Assert.Contains("Dataflow:Cluster:TlsCertificatePassword", error.Message, StringComparison.Ordinal);
    }

    private static X509Certificate2 SelfSigned(string name)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _certificate.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
