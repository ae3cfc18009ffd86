using Klarsicht.Api.Configuration;
using Klarsicht.Api.Health;
using Klarsicht.Api.Rcas;
using Klarsicht.Api.Webhooks;
using Klarsicht.Kubernetes;
using Klarsicht.Notifications;
using Klarsicht.Prometheus.Configuration;
using Klarsicht.Storage;
using Microsoft.Extensions.Logging.Console;
using Prometheus;

// The slim builder: Kestrel without HTTP/3, IIS or hosting-startup scanning, console logging only; each of
// those is code a replica would map and never run. HTTPS endpoints from configuration still work.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseKestrelHttpsConfiguration();
// The slim builder pins the console logger to its plain formatter; Logging:Console decides again (JSON by default).
builder.Services.Configure<ConsoleLoggerOptions>(builder.Configuration.GetSection("Logging:Console"));

builder.Services.AddProblemDetails();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
builder.Services.AddEndpointsApiExplorer();
builder.Services.AddKlarsichtOpenApi();

builder.Services.AddKlarsichtCore();
builder.Services.AddKlarsichtStorage(builder.Configuration);
builder.Services.AddKubernetesCollectors();
builder.Services.AddPrometheusCollector(builder.Configuration);
builder.Services.AddKlarsichtNotifications(builder.Configuration);
builder.Services.AddKlarsichtOutbox();
builder.Services.AddKlarsichtIntake();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseSwaggerOnDemand();
app.UseHttpMetrics();

app.MapWebhooks();
app.MapRcas();
app.MapHealth();
app.MapMetrics("/metrics");

app.LogStartupSecurity();
app.Run();

/// <summary>The entry point, public for WebApplicationFactory.</summary>
public partial class Program;
