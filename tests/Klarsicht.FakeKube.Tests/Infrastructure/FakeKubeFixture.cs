using k8s;
using Klarsicht.FakeKube.Hosting;

namespace Klarsicht.FakeKube.Tests.Infrastructure;

/// <summary>One fake API server with the test corpus as written (offset zero), shared by a test class.</summary>
public sealed class FakeKubeFixture : IAsyncLifetime, IDisposable
{
    private FakeKubeServer? _server;
    private Kubernetes? _client;

    public FakeKubeServer Server => _server ?? throw new InvalidOperationException("The fixture is not started.");

    public Kubernetes Client => _client ?? throw new InvalidOperationException("The fixture is not started.");

    public string KubeconfigPath { get; } = Path.Combine(Path.GetTempPath(), $"fakekube-{Guid.NewGuid():N}.yaml");

    public async Task InitializeAsync()
    {
        _server = await FakeKubeServer.StartAsync(new FakeKubeOptions
        {
            CorpusDirectories = [TestCorpus.Directory],
            Offset = TimeSpan.Zero,
        });
        _server.WriteKubeconfig(KubeconfigPath);
        _client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath));
    }

    public void Dispose() => _client?.Dispose();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        File.Delete(KubeconfigPath);
    }
}
