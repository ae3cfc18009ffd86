using Klarsicht.Core.Investigations;
using Klarsicht.Prometheus.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Klarsicht.Prometheus.Tests;

/// <summary>The collector as the host builds it: configuration, <c>AddPrometheusCollector</c>, a service provider.</summary>
internal sealed class Collectors : IDisposable
{
    private readonly ServiceProvider _provider;

    private Collectors(ServiceProvider provider) => _provider = provider;

    public IMetricsCollector Collector => _provider.GetRequiredService<IMetricsCollector>();

    /// <summary>What the host does at startup: runs every <c>ValidateOnStart</c> validation.</summary>
    public void ValidateOnStart() => _provider.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public static Collectors For(Uri? url, params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>();
        if (url is not null)
        {
            values[$"{PrometheusOptions.Section}:Url"] = url.ToString();
        }

        foreach (var (key, value) in settings)
        {
            values[$"{PrometheusOptions.Section}:{key}"] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPrometheusCollector(configuration);
        return new Collectors(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
    }

    public void Dispose() => _provider.Dispose();
}
