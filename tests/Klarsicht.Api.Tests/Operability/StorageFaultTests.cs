using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using Klarsicht.Api.Tests.Infrastructure;
using Klarsicht.Api.Webhooks;
using Klarsicht.Core.Rcas;
using Klarsicht.Storage.Investigations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Klarsicht.Api.Tests.Operability;

public sealed class StorageFaultTests
{
    [Fact]
    public async Task DatabaseLockedByAnotherWriter_WebhookWaitsAndAcknowledgesOnlyOnceDurable()
    {
        await using var app = await KlarsichtApp.StartAsync();
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

        // Another process holds SQLite's write lock (SQLITE_BUSY for everyone else) for two seconds.
        await using var blocker = new SqliteConnection($"Data Source={Path.Combine(app.DataDirectory, "klarsicht.db")}");
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync();
        }

        var release = Task.Run(async () =>
        {
            await Task.Delay(2000);
            await using var commit = blocker.CreateCommand();
            commit.CommandText = "COMMIT;";
            await commit.ExecuteNonQueryAsync();
        });
        var clock = Stopwatch.StartNew();
        var response = await client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(KlarsichtApp.Payload("alertmanager-crashloop.json")));
        await release;

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), "the 202 must wait for the commit, not precede it");
        var id = Assert.Single((await response.Content.ReadFromJsonAsync<IntakeResponse>(KlarsichtApp.Json))!.Investigations).Id;
        Assert.Equal(RcaStatus.Completed, (await app.WaitForRcaAsync(client, id)).Status);
    }

    [Fact]
    public async Task DiskFull_WebhooksAnswer503WithRetryAfter_AndTheRetriesAreKeptOnceThereIsRoom()
    {
        FullDiskStore? full = null;
        await using var app = await KlarsichtApp.StartAsync(services: services =>
        {
            var original = services.Last(d => d.ServiceType == typeof(IInvestigationStore));
            services.AddSingleton(sp =>
            {
                full = (FullDiskStore)(object)DispatchProxy.Create<IInvestigationStore, FullDiskStore>();
                full.Inner = (IInvestigationStore)original.ImplementationFactory!(sp);
                return (IInvestigationStore)(object)full;
            });
        });
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

        full!.Full = true;
        var refused = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var body = KlarsichtApp.AlertmanagerDelivery($"diskfull{i}");
            var response = await client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(body));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            refused.Add(body);
        }

        // Room again: Alertmanager's retries are accepted and investigated.
        full.Full = false;
        foreach (var body in refused)
        {
            var response = await client.PostAsync("/api/v1/webhooks/alertmanager", KlarsichtApp.JsonBody(body));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var id = Assert.Single((await response.Content.ReadFromJsonAsync<IntakeResponse>(KlarsichtApp.Json))!.Investigations).Id;
            Assert.Equal(RcaStatus.Completed, (await app.WaitForRcaAsync(client, id)).Status);
        }
    }

    /// <summary>The real store, except that intake fails the way SQLite does on a full disk while <see cref="Full"/> is set.</summary>
    public class FullDiskStore : DispatchProxy
    {
        public IInvestigationStore Inner { get; set; } = null!;

        public bool Full { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (Full && targetMethod!.Name == nameof(IInvestigationStore.AcceptAsync))
            {
                return Task.FromException<IReadOnlyList<IntakeOutcome?>>(new SqliteException("SQLite Error 13: 'database or disk is full'.", 13));
            }

            try
            {
                return targetMethod!.Invoke(Inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }
        }
    }
}
