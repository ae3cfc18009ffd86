using k8s;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Klarsicht.Testing.Hosting;

/// <summary>
/// The real service (Program.cs) on Kestrel on 127.0.0.1, with the real KubernetesClient pointed at a fake API
/// server, configured only through settings (as the contract's configuration keys).
/// </summary>
public sealed class KlarsichtService : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly string? _kubeUrl;

    private KlarsichtService(string? kubeUrl, Dictionary<string, string?> settings)
    {
        _kubeUrl = kubeUrl;
        _settings = settings;
        UseKestrel(0);
    }

    /// <summary>Where the service listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>
    /// Starts the service. Defaults: SQLite in <paramref name="dataDirectory"/>, logging at Warning (so the console
    /// belongs to the tool), production environment. <paramref name="settings"/> override them.
    /// </summary>
    public static KlarsichtService Start(string? kubeUrl, string dataDirectory, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["ConnectionStrings:Klarsicht"] = $"Data Source={Path.Combine(dataDirectory, "klarsicht.db")}",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var service = new KlarsichtService(kubeUrl, all);
        service.StartServer();
        var address = service.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        service.BaseUrl = new Uri(address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        return service;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        // The service's appsettings.json is copied next to this tool; the solution-relative guess would not exist.
        builder.UseContentRoot(AppContext.BaseDirectory);
        // UseSetting is visible to Program.cs while it registers services (the Prometheus URL is read there).
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(_settings));
        if (_kubeUrl is not null)
        {
            builder.ConfigureTestServices(services =>
                services.AddSingleton<IKubernetes>(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _kubeUrl })));
        }
    }
}
