namespace Klarsicht.FakeKube.Hosting;

/// <summary>A kubeconfig pointing kubectl and KubernetesClient at the fake (plain HTTP, a dummy bearer token).</summary>
public static class Kubeconfig
{
    public const string ContextName = "fakekube";

    public static string Render(string server, string defaultNamespace = "default") =>
        $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {{ContextName}}
          cluster:
            server: {{server}}
        users:
        - name: {{ContextName}}
          user:
            token: fakekube-dummy-token
        contexts:
        - name: {{ContextName}}
          context:
            cluster: {{ContextName}}
            user: {{ContextName}}
            namespace: {{defaultNamespace}}
        current-context: {{ContextName}}
        preferences: {}

        """;
}
