using Klarsicht.Deploy.Tests.Infrastructure;

namespace Klarsicht.Deploy.Tests;

/// <summary>The key checker itself: it must know the contract's keys and refuse near misses.</summary>
public sealed class ConfigKeysTests
{
    [Fact]
    public void Sections_IncludeEveryOptionsSectionOfTheContract()
    {
        foreach (var section in new[] { "Klarsicht:Prometheus", "Klarsicht:Storage", "Klarsicht:Slack", "Klarsicht:Grafana", "Klarsicht:Webhooks", "Klarsicht:Api", "Klarsicht:Investigations", "Klarsicht:Kubernetes" })
        {
            Assert.True(ConfigKeys.Sections.ContainsKey(section), $"no options class with Section = \"{section}\" was found");
        }
    }

    [Theory]
    [InlineData("KUBECONFIG")]
    [InlineData("Klarsicht__Prometheus__Url")]
    [InlineData("Klarsicht__Storage__Provider")]
    [InlineData("ConnectionStrings__Klarsicht")]
    [InlineData("Klarsicht__Slack__WebhookUrl")]
    [InlineData("Klarsicht__Slack__BotToken")]
    [InlineData("Klarsicht__Slack__Channel")]
    [InlineData("Klarsicht__Slack__ApiUrl")]
    [InlineData("Klarsicht__Slack__Routes__0__Labels__team")]
    [InlineData("Klarsicht__Grafana__Url")]
    [InlineData("Klarsicht__Grafana__Token")]
    [InlineData("Klarsicht__Webhooks__Tokens__0")]
    [InlineData("Klarsicht__Webhooks__Tokens__12")]
    [InlineData("Klarsicht__Webhooks__GrafanaHmacSecret")]
    [InlineData("Klarsicht__Api__Tokens__0")]
    [InlineData("Klarsicht__Investigations__Deadline")]
    public void Check_ContractKey_IsReal(string key) => Assert.Null(ConfigKeys.Check(key));

    [Theory]
    [InlineData("Klarsicht__Prometheus__URL")]
    [InlineData("Klarsicht__Webhooks__Token")]
    [InlineData("Klarsicht__Webhooks__Tokens")]
    [InlineData("Klarsicht__Webhooks__Tokens__first")]
    [InlineData("Klarsicht__Storage__Provider__0")]
    [InlineData("Klarsicht__Storage")]
    [InlineData("Klarsicht__Slack__HasBot")]
    [InlineData("Klarsicht__Database__Url")]
    [InlineData("ConnectionStrings__Default")]
    [InlineData("KLARSICHT_PROMETHEUS_URL")]
    public void Check_MadeUpOrMisspelledKey_IsRefused(string key) => Assert.NotNull(ConfigKeys.Check(key));
}
