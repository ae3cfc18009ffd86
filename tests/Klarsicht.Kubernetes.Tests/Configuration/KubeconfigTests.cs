using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s;
using Klarsicht.Kubernetes.Configuration;

namespace Klarsicht.Kubernetes.Tests.Configuration;

public sealed class KubeconfigTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("klarsicht-kubeconfig-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void AKubectlStyleFile_GivesTheSameClientConfiguration_AsTheClientLibrarysOwnLoader()
    {
        var ca = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(SelfSigned("cluster-ca").ExportCertificatePem()));
        var path = Write("config", $$"""
            apiVersion: v1
            kind: Config
            preferences: {}
            current-context: prod
            clusters:
            - name: prod-cluster
              cluster:
                server: https://10.0.0.1:6443
                certificate-authority-data: {{ca}}
                tls-server-name: kubernetes.default
            - name: dev-cluster
              cluster:
                server: https://dev.example:6443
                insecure-skip-tls-verify: true
            contexts:
            - name: prod
              context:
                cluster: prod-cluster
                user: klarsicht
                namespace: payments
            - name: dev
              context:
                cluster: dev-cluster
                user: klarsicht
            users:
            - name: klarsicht
              user:
                token: eyJhbGciOiJSUzI1NiJ9.payload.signature
            extensions:
            - name: client.authentication.k8s.io/exec
              extension:
                provider: example
            """);

        var ours = KubernetesConfiguration.Build(path, defaultPath: null);
        var library = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);

        Assert.Equal(library.Host, ours.Host);
        Assert.Equal("https://10.0.0.1:6443", ours.Host);
        Assert.Equal(library.CurrentContext, ours.CurrentContext);
        Assert.Equal(library.Namespace, ours.Namespace);
        Assert.Equal("payments", ours.Namespace);
        Assert.Equal(library.AccessToken, ours.AccessToken);
        Assert.Equal(library.SkipTlsVerify, ours.SkipTlsVerify);
        Assert.Equal(library.TlsServerName, ours.TlsServerName);
        Assert.Equal(library.SslCaCerts!.Single().Thumbprint, ours.SslCaCerts!.Single().Thumbprint);
    }

    [Fact]
    public void EveryKubeconfigField_IsReadAsTheClientLibraryReadsIt()
    {
        var path = Write("config", $$"""
            apiVersion: v1
            kind: Config
            current-context: eks
            preferences:
              colors: true
            clusters:
            - name: eks
              cluster:
                server: https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com
                certificate-authority: {{Path.Combine(_dir.FullName, "ca.crt")}}
                tls-server-name: api.internal
                insecure-skip-tls-verify: false
                extensions:
                - name: client.authentication.k8s.io/exec
                  extension: {audience: sts}
            contexts:
            - name: eks
              context: {cluster: eks, user: aws, namespace: shop}
            users:
            - name: aws
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: aws
                  args: [--region, eu-west-1, eks, get-token, --cluster-name, prod]
                  env:
                  - name: AWS_PROFILE
                    value: prod
                  provideClusterInfo: true
                  interactiveMode: Never
            - name: oidc
              user:
                auth-provider:
                  name: oidc
                  config:
                    client-id: kubernetes
                    idp-issuer-url: https://issuer.example
                    refresh-token: r3fr3sh
            - name: certs
              user:
                client-certificate-data: Y2VydA==
                client-key-data: a2V5
                as: admin
                as-groups: [system:masters]
            - name: basic
              user: {username: u, password: p, token: t}
            """);

        var ours = KubeconfigFiles.Parse(path);
        var library = KubernetesClientConfiguration.LoadKubeConfig(path);

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(library), System.Text.Json.JsonSerializer.Serialize(ours));
        Assert.Equal("aws", ours.Users.First().UserCredentials.ExternalExecution.Command);
        Assert.Equal(6, ours.Users.First().UserCredentials.ExternalExecution.Arguments.Count);
    }

    [Fact]
    public void SeveralFiles_FirstToNameAnEntryOrSetTheContextWins_AndEntriesCombineAcrossFiles()
    {
        var first = Write("first", """
            apiVersion: v1
            kind: Config
            current-context: ops
            clusters:
            - name: shared
              cluster:
                server: https://first.example:6443
            contexts:
            - name: ops
              context:
                cluster: shared
                user: from-second
            """);
        var second = Write("second", """
            apiVersion: v1
            kind: Config
            current-context: other
            clusters:
            - name: shared
              cluster:
                server: https://second.example:6443
            users:
            - name: from-second
              user:
                username: admin
                password: s3cret
            """);

        var config = KubernetesConfiguration.Build($"{first}{Path.PathSeparator}{Path.Combine(_dir.FullName, "missing")}{Path.PathSeparator}{second}", defaultPath: null);

        Assert.Equal("ops", config.CurrentContext);
        Assert.Equal("https://first.example:6443", config.Host);
        Assert.Equal("admin", config.Username);
        Assert.Equal("s3cret", config.Password);
    }

    [Fact]
    public void RelativeCertificatePaths_AreResolvedAgainstTheFileThatNamesThem_NotTheWorkingDirectory()
    {
        var caCert = SelfSigned("relative-ca");
        var client = SelfSigned("klarsicht-client");
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "pki"));
        File.WriteAllText(Path.Combine(_dir.FullName, "pki", "ca.crt"), caCert.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir.FullName, "pki", "client.crt"), client.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir.FullName, "pki", "client.key"), client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var path = Write("config", """
            apiVersion: v1
            kind: Config
            current-context: c
            clusters:
            - name: c
              cluster:
                server: https://127.0.0.1:6443
                certificate-authority: pki/ca.crt
            contexts:
            - name: c
              context: {cluster: c, user: u}
            users:
            - name: u
              user:
                client-certificate: pki/client.crt
                client-key: pki/client.key
            """);

        var config = KubernetesConfiguration.Build(path, defaultPath: null);

        Assert.Equal(caCert.Thumbprint, config.SslCaCerts!.Single().Thumbprint);
        Assert.Equal(Path.Combine(_dir.FullName, "pki", "client.crt"), config.ClientCertificateFilePath);
        Assert.Equal(Path.Combine(_dir.FullName, "pki", "client.key"), config.ClientKeyFilePath);
    }

    [Theory]
    [InlineData("clusters: [unclosed")]
    [InlineData("current-context: nowhere\ncontexts: []\n")]
    [InlineData("")]
    public void ABrokenOrEmptyKubeconfig_DoesNotStopTheService_ItPointsAtNoCluster(string content)
    {
        var path = Write("config", content);

        Assert.Equal(KubernetesConfiguration.Unreachable, KubernetesConfiguration.Build(path, defaultPath: null).Host);
    }

    [Fact]
    public void KubeconfigListOfMissingFiles_PointsAtNoCluster()
    {
        Assert.Equal(KubernetesConfiguration.Unreachable, KubernetesConfiguration.Build(Path.Combine(_dir.FullName, "nope"), defaultPath: null).Host);
    }

    [Fact]
    public void WithoutKubeconfig_TheDefaultFileIsRead()
    {
        var path = Write("default", """
            current-context: home
            clusters: [{name: home, cluster: {server: "http://127.0.0.1:8001"}}]
            contexts: [{name: home, context: {cluster: home}}]
            """);

        Assert.Equal("http://127.0.0.1:8001", KubernetesConfiguration.Build(kubeconfigVariable: null, defaultPath: path).Host);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }
}
