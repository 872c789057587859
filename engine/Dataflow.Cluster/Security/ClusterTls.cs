using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dataflow.Configuration;
using Orleans.Connections.Security;

namespace Dataflow.Cluster.Security;

/// <summary>
/// Optional TLS on every connection of a cluster (silo to silo, driver to gateway), with the cluster's certificate
/// (<c>Dataflow:Cluster:TlsCertificate</c>, a PKCS#12 file with its private key): each side presents it and accepts
/// only a peer that presents the same certificate, so a self-signed one made for the cluster is enough and no CA is
/// trusted by accident. Encrypts what the cluster key only authenticates.
/// </summary>
internal static class ClusterTls
{
    private const string Key = $"{DataflowOptions.SectionName}:{nameof(DataflowOptions.Cluster)}:{nameof(DataflowClusterOptions.TlsCertificate)}";

    /// <summary>The configured certificate, or null when TLS is off.</summary>
    /// <exception cref="DataflowConfigurationException">The file cannot be read, is not PKCS#12, or holds no private key.</exception>
    public static X509Certificate2? Load(DataflowClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TlsCertificate is not { } path)
        {
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, options.TlsCertificatePassword);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new DataflowConfigurationException($"{Key} '{path}' cannot be loaded as a PKCS#12 (.pfx) certificate with its private key: {e.Message} (a wrong Dataflow:Cluster:TlsCertificatePassword?)", e);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new DataflowConfigurationException($"{Key} '{path}' holds no private key; export the certificate with its key (openssl pkcs12 -export -inkey KEY -in CERT -out FILE).");
        }

        return certificate;
    }

    /// <summary>TLS on the silo's inbound (silo, gateway) and outbound connections.</summary>
    /// <param name="silo">The silo.</param>
    /// <param name="certificate">The cluster's certificate, with its private key.</param>
    /// <param name="configure">Tests: more settings, applied after these.</param>
    public static ISiloBuilder UseDataflowTls(this ISiloBuilder silo, X509Certificate2 certificate, Action<TlsOptions>? configure = null) =>
        silo.UseTls(certificate, options => Configure(options, certificate, configure));

    /// <summary>TLS on a driver's (client's) connections to gateways.</summary>
    public static IClientBuilder UseDataflowTls(this IClientBuilder client, X509Certificate2 certificate) =>
        client.UseTls(certificate, options => Configure(options, certificate, null));

    /// <summary>Whether a peer's certificate is the cluster's own (pinned: whatever the chain or the name says).</summary>
    public static bool IsClusterCertificate(X509Certificate2? remote, X509Certificate2 cluster) =>
        remote is not null && remote.RawData.AsSpan().SequenceEqual(cluster.RawData);

    private static void Configure(TlsOptions options, X509Certificate2 certificate, Action<TlsOptions>? configure)
    {
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, _) => IsClusterCertificate(remote, certificate);
        options.OnAuthenticateAsClient = (_, ssl) => ssl.TargetHost = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        configure?.Invoke(options);
    }
}
