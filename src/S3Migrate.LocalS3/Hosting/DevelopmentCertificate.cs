using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace S3Migrate.LocalS3.Hosting;

/// <summary>
/// A throw-away certificate authority and a server certificate it signed for localhost and 127.0.0.1, so HTTPS can be
/// tested with real verification: clients trust the CA (PEM file), never "any certificate".
/// </summary>
public sealed class DevelopmentCertificate : IDisposable
{
    private DevelopmentCertificate(X509Certificate2 authority, X509Certificate2 server)
    {
        Authority = authority;
        Server = server;
    }

    /// <summary>The CA certificate (public part only) that clients pin.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The server certificate with its private key, for Kestrel.</summary>
    public X509Certificate2 Server { get; }

    public string AuthorityPem => Authority.ExportCertificatePem();

    /// <summary>Loads the CA and server certificate from <paramref name="directory"/>, or creates and saves them there.</summary>
    public static DevelopmentCertificate LoadOrCreate(string? directory)
    {
        if (directory is not null)
        {
            var caPath = Path.Combine(directory, "ca.pem");
            var serverPath = Path.Combine(directory, "server.pem");
            var keyPath = Path.Combine(directory, "server.key");
            if (File.Exists(caPath) && File.Exists(serverPath) && File.Exists(keyPath))
            {
                var authority = X509Certificate2.CreateFromPemFile(caPath);
                var server = X509Certificate2.CreateFromPemFile(serverPath, keyPath);
                if (server.NotAfter > DateTime.UtcNow.AddDays(1))
                {
                    return new DevelopmentCertificate(authority, Exportable(server));
                }
            }
        }

        var created = Create();
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, "ca.pem"), created.AuthorityPem);
            File.WriteAllText(Path.Combine(directory, "server.pem"), created.Server.ExportCertificatePem());
            using var key = created.Server.GetECDsaPrivateKey()!;
            File.WriteAllText(Path.Combine(directory, "server.key"), key.ExportPkcs8PrivateKeyPem());
        }

        return created;
    }

    public static DevelopmentCertificate Create()
    {
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = DateTimeOffset.UtcNow.AddYears(2);

        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=S3Migrate LocalS3 Development CA", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        authorityRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(authorityRequest.PublicKey, false));
        using var authority = authorityRequest.CreateSelfSigned(notBefore, notAfter.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddDnsName("*.localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(serverRequest.PublicKey, false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        using var signed = serverRequest.Create(authority, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        using var server = signed.CopyWithPrivateKey(serverKey);

        return new DevelopmentCertificate(
            X509CertificateLoader.LoadCertificate(authority.RawData),
            Exportable(server));
    }

    /// <summary>True when <paramref name="certificate"/> chains to this CA (for clients that pin it).</summary>
    public bool Validates(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
    }

    /// <summary>Kestrel needs a certificate whose key can be used by SslStream; a PKCS#12 round trip gives one.</summary>
    private static X509Certificate2 Exportable(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
}
