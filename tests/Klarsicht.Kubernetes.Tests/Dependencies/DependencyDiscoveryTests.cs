using k8s.Models;
using Klarsicht.Core.Evidence;
using Klarsicht.Kubernetes.Dependencies;

namespace Klarsicht.Kubernetes.Tests.Dependencies;

public sealed class DependencyDiscoveryTests
{
    private static V1Container WithEnv(string name, string value) => new() { Name = "app", Env = [new V1EnvVar { Name = name, Value = value }] };

    [Theory]
    [InlineData("Server=accounts-mysql;Port=3306;Database=accounts;User ID=accounts", "accounts-mysql", 3306)]
    [InlineData("Host=orders-db;Port=5432;Username=app", "orders-db", 5432)]
    [InlineData("Data Source=tcp:sql.example.com,1433;Initial Catalog=x", "sql.example.com", 1433)]
    public void ConnectionString_YieldsItsServerAndPort(string value, string host, int port)
    {
        var refs = DependencyExtractor.FromEnv(WithEnv("ConnectionStrings__Main", value));

        var found = Assert.Single(refs);
        Assert.Equal(host, found.Host);
        Assert.Equal(port, found.Port);
    }

    [Fact]
    public void GrpcDnsTarget_YieldsTheHost()
    {
        var refs = DependencyExtractor.FromEnv(WithEnv("PAYMENTS_TARGET", "dns:///payments-grpc.payments.svc.cluster.local:50051"));

        Assert.Contains(refs, r => r.Host == "payments-grpc.payments.svc.cluster.local" && r.Port == 50051);
    }

    [Fact]
    public void StatefulSetPodName_ResolvesToItsHeadlessService()
    {
        var headless = new V1Service { Metadata = new V1ObjectMeta { Name = "kafka-headless", NamespaceProperty = "audit" }, Spec = new V1ServiceSpec { ClusterIP = "None" } };

        var (resolution, service, other) = DependencyResolver.Resolve(new DependencyReference("kafka-0.kafka-headless", 9092, "env"), "audit", [headless]);

        Assert.Equal(DependencyResolution.InCluster, resolution);
        Assert.Same(headless, service);
        Assert.Null(other);
    }

    [Fact]
    public void ServiceInAnotherNamespace_IsStillLookedUpThere()
    {
        var (_, service, other) = DependencyResolver.Resolve(new DependencyReference("billing.finance", 8080, "env"), "shop", []);

        Assert.Null(service);
        Assert.Equal(("finance", "billing"), other);
    }
}
