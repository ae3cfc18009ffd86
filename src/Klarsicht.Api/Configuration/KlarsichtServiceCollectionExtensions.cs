using FluentValidation;
using Klarsicht.Api.Investigations;
using Klarsicht.Api.Runtime;
using Klarsicht.Api.Security;
using Klarsicht.Api.Webhooks;
using Klarsicht.Core.Diagnosis;
using Klarsicht.Core.Investigations;
using Microsoft.Extensions.Options;

namespace Klarsicht.Api.Configuration;

/// <summary>The composition root's chapters, so Program.cs reads like a table of contents.</summary>
public static class KlarsichtServiceCollectionExtensions
{
    /// <summary>The engine, the orchestrator and the clock.</summary>
    public static IServiceCollection AddKlarsichtCore(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<DiagnosisEngine>();
        services.AddSingleton<Investigator>();
        services.AddHostedService<EngineWarmup>();
        services.AddHostedService<IdleMemoryTrimmer>();
        return services;
    }

    /// <summary>Intake, the investigation worker and retention, with their options validated at startup.</summary>
    public static IServiceCollection AddKlarsichtIntake(this IServiceCollection services)
    {
        services.AddValidatorsFromAssemblyContaining<AlertmanagerPayloadValidator>(ServiceLifetime.Singleton, includeInternalTypes: true);
        AddValidatedOptions<WebhookOptions>(services, WebhookOptions.Section);
        AddValidatedOptions<ApiOptions>(services, ApiOptions.Section);
        AddValidatedOptions<InvestigationOptions>(services, InvestigationOptions.Section);

        services.AddSingleton<WebhookAuthenticator>();
        services.AddSingleton<ReadApiAccess>();
        services.AddSingleton<WorkSignal>();
        services.AddSingleton<IntakeBatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<IntakeBatcher>());
        services.AddSingleton<IntakeService>();
        services.AddSingleton<WebhookContext>();
        services.AddHostedService<InvestigationWorker>();
        services.AddHostedService<RetentionWorker>();
        return services;
    }

    private static void AddValidatedOptions<T>(IServiceCollection services, string section)
        where T : class
    {
        services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>, FluentOptionsValidator<T>>();
    }
}
