using k8s;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Klarsicht.EndToEnd.Tests.Infrastructure;

/// <summary>The real service on Kestrel (loopback, any free port) with the given settings, its KubernetesClient aimed at the fake API.</summary>
public sealed class KlarsichtHost : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly string _kubernetesUrl;

    private KlarsichtHost(IReadOnlyDictionary<string, string?> settings, string kubernetesUrl)
    {
        _settings = settings;
        _kubernetesUrl = kubernetesUrl;
        UseKestrel(0);
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>: where Alertmanager posts.</summary>
    public string BaseUrl { get; private set; } = "";

    public static KlarsichtHost Start(IReadOnlyDictionary<string, string?> settings, string kubernetesUrl)
    {
        var host = new KlarsichtHost(settings, kubernetesUrl);
        host.StartServer();
        var address = host.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var uri = new Uri(address);
        host.BaseUrl = $"http://127.0.0.1:{uri.Port}";
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // UseSetting, not only ConfigureAppConfiguration: Program.cs reads the Prometheus URL while it registers
        // services, before configuration added by ConfigureAppConfiguration is visible.
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(_settings));
        builder.ConfigureTestServices(services =>
            services.AddSingleton<IKubernetes>(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _kubernetesUrl })));
    }
}
