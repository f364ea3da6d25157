using Microsoft.Extensions.Configuration;

namespace MultiStore.Silo.Hosting;

/// <summary>
/// Orleans' Kubernetes integration (<c>Microsoft.Orleans.Hosting.Kubernetes</c>), switched on only inside a pod.
/// It names the silo after its pod (<c>POD_NAME</c>), takes the cluster and service ids from
/// <c>ORLEANS_CLUSTER_ID</c>/<c>ORLEANS_SERVICE_ID</c> (the manifests fill them from the pod labels
/// <c>orleans/clusterId</c>/<c>orleans/serviceId</c> through the downward API), listens on all interfaces, and runs
/// an agent that watches the silos' pods (<c>POD_NAMESPACE</c>): a silo whose pod is gone is declared dead at once
/// instead of after missed probes. The pod's service account needs get/list/watch/delete on pods (k8s/base/silo-rbac.yaml).
/// </summary>
public static class KubernetesHosting
{
    /// <summary>Set by Kubernetes in every container; its presence is how the silo knows it runs in a pod.</summary>
    public const string ServiceHostVariable = "KUBERNETES_SERVICE_HOST";

    /// <summary>The downward-API variables the integration reads (k8s/base/silo-deployment.yaml sets each).</summary>
    public static readonly string[] PodVariables =
    [
        Orleans.Hosting.Kubernetes.KubernetesHostingOptions.PodNameEnvironmentVariable,
        Orleans.Hosting.Kubernetes.KubernetesHostingOptions.PodNamespaceEnvironmentVariable,
        Orleans.Hosting.Kubernetes.KubernetesHostingOptions.PodIPEnvironmentVariable,
        Orleans.Hosting.Kubernetes.KubernetesHostingOptions.ClusterIdEnvironmentVariable,
        Orleans.Hosting.Kubernetes.KubernetesHostingOptions.ServiceIdEnvironmentVariable,
    ];

    public static bool IsInPod(IConfiguration configuration) => !string.IsNullOrEmpty(configuration[ServiceHostVariable]);

    /// <summary>Adds the integration when running in a pod; elsewhere (a laptop, the tests) changes nothing.</summary>
    public static ISiloBuilder UseKubernetesHostingInPod(this ISiloBuilder silo, IConfiguration configuration) =>
        IsInPod(configuration) ? silo.UseKubernetesHosting() : silo;
}
