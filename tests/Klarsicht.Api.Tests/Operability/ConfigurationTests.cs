using Klarsicht.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Klarsicht.Api.Tests.Operability;

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Klarsicht:Investigations:Concurrency", "0", "Klarsicht:Investigations:Concurrency must be between 1 and 256.")]
    [InlineData("Klarsicht:Webhooks:Tokens:0", "short", "Klarsicht:Webhooks:Tokens entries must be at least 16 characters.")]
    [InlineData("Klarsicht:Webhooks:BasicUsername", "alertmanager", "Klarsicht:Webhooks:BasicPassword is required when BasicUsername is set.")]
    [InlineData("Klarsicht:Api:PublicUrl", "ftp://klarsicht", "Klarsicht:Api:PublicUrl must be an absolute http(s) URL.")]
    [InlineData("Klarsicht:Storage:Provider", "mysql", "Klarsicht:Storage:Provider must be 'sqlite' or 'postgres'.")]
    [InlineData("Klarsicht:Slack:WebhookUrl", "not a url", "Klarsicht:Slack:WebhookUrl must be an absolute http(s) URL.")]
    public async Task BadValue_StopsStartup_WithAMessageNamingTheKey(string key, string value, string message)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await KlarsichtApp.StartAsync(new Dictionary<string, string?> { [key] = value }));
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ConsoleFormatterNames.Json)]
    [InlineData(ConsoleFormatterNames.Systemd)]
    public async Task TheConsoleFormatter_IsTheOneConfigured(string formatter)
    {
        // appsettings.json says json; the slim host builder would otherwise pin the plain formatter.
        await using var app = await KlarsichtApp.StartAsync(new Dictionary<string, string?> { ["Logging:Console:FormatterName"] = formatter });

        Assert.Equal(formatter, app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
    }
}
