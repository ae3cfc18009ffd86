using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Klarsicht.Testing.Hosting;
using Klarsicht.Testing.Prometheus;

namespace Klarsicht.Api.Tests.Operability;

/// <summary>
/// The built service as a child process: what it maps at startup is what a replica runs (the memory benchmark's
/// numbers rest on it), and what the slim host builder leaves out by default (HTTPS from configuration) still works.
/// </summary>
public sealed class StartupFootprintTests
{
    [Fact]
    public async Task ASqliteReplica_MapsNeitherPostgresNorSwaggerUiNorIis_UntilSwaggerIsAskedFor_AndServesHttpsFromConfiguration()
    {
        var directory = Directory.CreateTempSubdirectory("klarsicht-footprint-").FullName;
        var certificate = Path.Combine(directory, "tls.pfx");
        string thumbprint;
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            thumbprint = self.Thumbprint;
            await File.WriteAllBytesAsync(certificate, self.Export(X509ContentType.Pfx, "test"));
        }

        await using var service = await StartAsync(directory, certificate, thumbprint);
        var atStart = Mapped(service.Pid);
        Assert.Contains("Microsoft.Data.Sqlite.dll", atStart);
        Assert.DoesNotContain("Npgsql.dll", atStart);
        Assert.DoesNotContain("dbup-postgresql.dll", atStart);
        Assert.DoesNotContain("Swashbuckle.AspNetCore.SwaggerUI.dll", atStart);
        Assert.DoesNotContain("Microsoft.AspNetCore.Server.IIS.dll", atStart);

        using var plain = new HttpClient { BaseAddress = service.BaseUrl };
        using var ui = await plain.GetAsync("/swagger/index.html");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Contains("Swashbuckle.AspNetCore.SwaggerUI.dll", Mapped(service.Pid));
    }

    // Both ports are picked free before the child binds them, so a test running beside this one can take one first:
    // the child then ends at startup ("address already in use"), and the test tries again with new ports. Served
    // over HTTPS with the configured certificate is part of what is checked.
    private static async Task<ChildService> StartAsync(string directory, string certificate, string thumbprint)
    {
        for (var attempt = 1; ; attempt++)
        {
            var http = PrometheusTestServer.FreePort();
            var https = PrometheusTestServer.FreePort();
            var service = ChildService.Start(new Dictionary<string, string?>
            {
                ["ConnectionStrings__Klarsicht"] = $"Data Source={Path.Combine(directory, "klarsicht.db")}",
                ["KUBECONFIG"] = Path.Combine(directory, "no-kubeconfig"),
                ["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{http}",
                ["Kestrel__Endpoints__Https__Url"] = $"https://127.0.0.1:{https}",
                ["Kestrel__Endpoints__Https__Certificate__Path"] = certificate,
                ["Kestrel__Endpoints__Https__Certificate__Password"] = "test",
            }, http);
            try
            {
                await service.WaitReadyAsync(TimeSpan.FromSeconds(60));
                using var tls = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, served, _, _) => served?.GetCertHashString() == thumbprint } });
                using var secure = await tls.GetAsync(new Uri($"https://127.0.0.1:{https}/healthz"));
                Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
                Assert.False(service.HasExited, service.Output);
                return service;
            }
            catch (Exception e) when (attempt < 3 && e is InvalidOperationException or HttpRequestException)
            {
                var portTaken = await EndedOnATakenPortAsync(service);
                var output = service.Output;
                await service.DisposeAsync();
                if (!portTaken)
                {
                    throw new InvalidOperationException($"the service did not answer on both ports; its output:\n{output}", e);
                }
            }
            catch
            {
                await service.DisposeAsync();
                throw;
            }
        }
    }

    private static async Task<bool> EndedOnATakenPortAsync(ChildService service)
    {
        for (var waited = 0; waited < 100 && !service.HasExited; waited++)
        {
            await Task.Delay(100);
        }

        return service.HasExited && service.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The file names of the assemblies and libraries the process has mapped.</summary>
    private static HashSet<string> Mapped(int pid) =>
        File.ReadLines($"/proc/{pid}/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && fields[5].StartsWith('/'))
            .Select(fields => Path.GetFileName(fields[5].Trim()))
            .ToHashSet(StringComparer.Ordinal);
}
