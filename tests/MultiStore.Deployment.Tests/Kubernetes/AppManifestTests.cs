using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using MultiStore.Api.Auth;
using MultiStore.Api.Hosting;
using MultiStore.Deployment.Tests.Infrastructure;
using MultiStore.Grains.Hosting;
using MultiStore.Silo.Configuration;
using MultiStore.Silo.Hosting;

namespace MultiStore.Deployment.Tests.Kubernetes;

/// <summary>
/// The manifests against the apps they run: every variable a pod sets is a key the app reads, probes hit the app's
/// own health routes on the ports it listens on, the silos' identity agrees with the Api's, and the pods get the
/// time the apps' graceful shutdown needs.
/// </summary>
public sealed class AppManifestTests(ApiRoutesFixture api) : IClassFixture<ApiRoutesFixture>
{
    public static IEnumerable<object[]> OverlaysAndApps =>
        from overlay in Overlay.All from app in MultiStoreApp.All select new[] { overlay[0], app[0] };

    public static IEnumerable<object[]> Overlays => Overlay.All;

    [Theory]
    [MemberData(nameof(OverlaysAndApps))]
    public void EnvironmentVariables_OfEachApp_AreConfigurationKeysItReads(string overlayName, string appName)
    {
        var (overlay, app) = (Overlay.Named(overlayName), MultiStoreApp.Named(appName));

        var variables = ContainerEnvironment.Of(overlay, app.Container(overlay));

        Assert.NotEmpty(variables);
        Assert.All(variables, variable => Assert.True(app.Keys.Reads(variable.Name),
            $"{overlayName}: {app.Deployment} sets {variable.Name} (from {variable.Source}), which {appName} never reads."));
    }

    [Theory]
    [MemberData(nameof(OverlaysAndApps))]
    public void VariableReferences_OfEachApp_NameVariablesDefinedBeforeThem(string overlayName, string appName)
    {
        var (overlay, app) = (Overlay.Named(overlayName), MultiStoreApp.Named(appName));
        var container = app.Container(overlay);
        var defined = new HashSet<string>(ContainerEnvironment.Of(overlay, new Dictionary<string, object?> { ["envFrom"] = container.GetValueOrDefault("envFrom") }).Select(v => v.Name));

        foreach (var env in KubeObject.ListAt(container, "env"))
        {
            foreach (var reference in ContainerEnvironment.References(env.GetValueOrDefault("value") as string ?? ""))
            {
                // Kubernetes leaves an unknown $(NAME) in the value as it is: the app would read the literal text.
                Assert.True(defined.Contains(reference), $"{overlayName}: {env["name"]} refers to $({reference}), not defined before it.");
            }

            defined.Add((string)env["name"]!);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SiloProbes_OfEveryOverlay_HitTheSilosHealthRoutesOnItsHealthPort(string name)
    {
        var overlay = Overlay.Named(name);
        var container = MultiStoreApp.Silo.Container(overlay);
        var health = MultiStoreApp.Silo.Configuration(overlay).GetSection(HealthOptions.SectionName).Get<HealthOptions>();

        Assert.NotNull(health?.Port);
        AssertProbe(container, "startupProbe", SiloHttpEndpoint.ReadyPath, health.Port.Value);
        AssertProbe(container, "readinessProbe", SiloHttpEndpoint.ReadyPath, health.Port.Value);
        AssertProbe(container, "livenessProbe", SiloHttpEndpoint.LivePath, health.Port.Value);
        // A probe that gives up before the check does reads a slow database as a dead silo.
        Assert.True(ProbeTimeout(container, "readinessProbe") > SiloReadinessCheck.StorageTimeout);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task ApiProbes_OfEveryOverlay_HitRoutesTheApiServesOnItsPublicPort(string name)
    {
        var overlay = Overlay.Named(name);
        var container = MultiStoreApp.Api.Container(overlay);
        var configuration = MultiStoreApp.Api.Configuration(overlay);
        var metricsPort = configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>()?.Port;
        var publicPorts = UrlPorts(configuration["Urls"]).Where(port => port != metricsPort).ToList();

        foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            var httpGet = KubeObject.MapAt(container, $"{probe}.httpGet");
            Assert.Single(publicPorts, MultiStoreApp.ContainerPort(container, (string)httpGet["port"]!));
            Assert.True(await api.ServesAsync((string)httpGet["path"]!), $"{name}: the Api has no route {httpGet["path"]} ({probe}).");
        }

        Assert.True(ProbeTimeout(container, "readinessProbe") > ClusterHealthCheck.ProbeTimeout);
    }

    [Theory]
    [MemberData(nameof(OverlaysAndApps))]
    public void ContainerPorts_OfEachApp_AreExactlyThePortsTheAppListensOn(string overlayName, string appName)
    {
        var (overlay, app) = (Overlay.Named(overlayName), MultiStoreApp.Named(appName));
        var configuration = app.Configuration(overlay);
        var listening = app == MultiStoreApp.Silo
            ? new[]
            {
                configuration.GetSection(HealthOptions.SectionName).Get<HealthOptions>()!.Port!.Value,
                MultiStoreClusterOptions.From(configuration).SiloPort,
                MultiStoreClusterOptions.From(configuration).GatewayPort,
            }
            : [.. UrlPorts(configuration["Urls"])];

        var declared = KubeObject.ListAt(app.Container(overlay), "ports").Select(p => int.Parse((string)p["containerPort"]!, CultureInfo.InvariantCulture));

        Assert.Equal(listening.Order(), declared.Order());
        Assert.Equal(app.Image.Dockerfile.ExposedPorts.Order(), declared.Order());
    }

    [Theory]
    [MemberData(nameof(OverlaysAndApps))]
    public void PrometheusAnnotations_OfEachApp_PointAtItsMetricsRouteAndPort(string overlayName, string appName)
    {
        var (overlay, app) = (Overlay.Named(overlayName), MultiStoreApp.Named(appName));
        var annotations = KubeObject.Strings(KubeObject.MapAt(overlay.Single("Deployment", app.Deployment).PodTemplate!, "metadata.annotations"));
        var configuration = app.Configuration(overlay);
        var metricsPort = app == MultiStoreApp.Silo
            ? configuration.GetSection(HealthOptions.SectionName).Get<HealthOptions>()!.Port
            : configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>()!.Port;

        Assert.Equal("true", annotations["prometheus.io/scrape"]);
        Assert.Equal(app == MultiStoreApp.Silo ? SiloHttpEndpoint.MetricsPath : MetricsExtensions.MetricsPath, annotations["prometheus.io/path"]);
        Assert.Equal(metricsPort?.ToString(CultureInfo.InvariantCulture), annotations["prometheus.io/port"]);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SiloPods_OfEveryOverlay_CarryTheOrleansIdsTheApiConnectsWith(string name)
    {
        var overlay = Overlay.Named(name);
        var labels = KubeObject.Strings(KubeObject.MapAt(overlay.Silo.PodTemplate!, "metadata.labels"));
        var api = MultiStoreClusterOptions.From(MultiStoreApp.Api.Configuration(overlay));

        Assert.Equal(api.ClusterId, labels[Orleans.Hosting.Kubernetes.KubernetesHostingOptions.ClusterIdLabel]);
        Assert.Equal(api.ServiceId, labels[Orleans.Hosting.Kubernetes.KubernetesHostingOptions.ServiceIdLabel]);
        Assert.Equal($"metadata.labels['{Orleans.Hosting.Kubernetes.KubernetesHostingOptions.ClusterIdLabel}']", FieldPath(overlay, "ORLEANS_CLUSTER_ID"));
        Assert.Equal($"metadata.labels['{Orleans.Hosting.Kubernetes.KubernetesHostingOptions.ServiceIdLabel}']", FieldPath(overlay, "ORLEANS_SERVICE_ID"));
        Assert.Equal("status.podIP", FieldPath(overlay, "POD_IP"));
        Assert.Equal("metadata.name", FieldPath(overlay, "POD_NAME"));
        Assert.Equal("metadata.namespace", FieldPath(overlay, "POD_NAMESPACE"));
        // The silo must advertise its pod address; the default (loopback) would make it unreachable.
        Assert.Equal("$(POD_IP)", KubeObject.ListAt(MultiStoreApp.Silo.Container(overlay), "env").Single(e => (string)e["name"]! == "Orleans__AdvertisedIP")["value"]);
        Assert.Equal("$(ORLEANS_CLUSTER_ID)", KubeObject.ListAt(MultiStoreApp.Silo.Container(overlay), "env").Single(e => (string)e["name"]! == "Orleans__ClusterId")["value"]);
        Assert.Equal("$(ORLEANS_SERVICE_ID)", KubeObject.ListAt(MultiStoreApp.Silo.Container(overlay), "env").Single(e => (string)e["name"]! == "Orleans__ServiceId")["value"]);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SiloServiceAccount_OfEveryOverlay_MayWatchAndDeleteSiloPods(string name)
    {
        var overlay = Overlay.Named(name);
        var account = (string)KubeObject.MapAt(overlay.Silo.PodTemplate!, "spec")["serviceAccountName"]!;

        Assert.NotNull(overlay.Find("ServiceAccount", account));
        var bindings = overlay.Objects.Where(o => o.Kind == "RoleBinding" &&
            KubeObject.ListAt(o.Root, "subjects").Any(s => (string)s["kind"]! == "ServiceAccount" && (string)s["name"]! == account && (string)s["namespace"]! == overlay.Silo.Namespace));
        var verbs = bindings.Select(b => overlay.Single("Role", (string)b.Map("roleRef")["name"]!))
            .SelectMany(role => KubeObject.ListAt(role.Root, "rules"))
            .Where(rule => (rule["resources"] as List<object?>)!.Contains("pods"))
            .SelectMany(rule => ((List<object?>)rule["verbs"]!).OfType<string>())
            .ToHashSet();

        Assert.Superset(new HashSet<string> { "get", "list", "watch", "delete", "patch" }, verbs);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void TerminationGrace_OfTheSilo_CoversPreStopShutdownTimeoutAndDeadline(string name)
    {
        var overlay = Overlay.Named(name);
        var (grace, preStop) = GraceAndPreStop(overlay.Silo);

        Assert.True(grace >= preStop + SiloHostingExtensions.ShutdownTimeout + ShutdownDeadline.Grace,
            $"{name}: {grace.TotalSeconds} s < preStop {preStop.TotalSeconds} s + shutdown {SiloHostingExtensions.ShutdownTimeout.TotalSeconds} s + deadline {ShutdownDeadline.Grace.TotalSeconds} s.");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void TerminationGrace_OfTheApi_CoversPreStopAndTheHostsShutdownTimeout(string name)
    {
        var (grace, preStop) = GraceAndPreStop(Overlay.Named(name).Api);

        Assert.True(grace >= preStop + new HostOptions().ShutdownTimeout);
    }

    [Fact]
    public void SecretTemplate_SigningKeyPlaceholder_IsRefusedByTheApi()
    {
        var template = new KubeObject(Yaml.LoadFile(Repository.PathOf("k8s", "base", "secrets.example.yaml")).Single());
        var placeholder = KubeObject.Strings(template.Map("stringData"))["Auth__SigningKey"];

        var result = new AuthOptionsValidator(publicKeyHarmless: false).Validate(null, new AuthOptions { SigningKey = placeholder });

        // Whoever applies the template unchanged gets an Api that refuses to start, not one signing with a public key.
        Assert.True(result.Failed);
        Assert.Contains("Auth:SigningKey", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SigningKey_OnlyTheDemoOverlay_MayUseThePublicDevelopmentKey(string name)
    {
        var overlay = Overlay.Named(name);
        var config = KubeObject.Strings(overlay.Single("ConfigMap", "multistore-api-config").Map("data"));
        var auth = new AuthOptions { AllowPublicDevelopmentKey = config.TryGetValue("Auth__AllowPublicDevelopmentKey", out var allow) && bool.Parse(allow) };
        var secret = overlay.Find("Secret", Overlay.OutOfBandSecret);
        auth.SigningKey = secret is null ? "a-production-key-from-the-secret-store-0123456789" : KubeObject.Strings(secret.Map("stringData"))["Auth__SigningKey"];

        var result = AuthOptionsValidator.For(isDevelopment: false, OrleansMode.Cluster, MultiStoreApp.Api.Configuration(overlay)).Validate(null, auth);

        // The demo's Api starts with the key its own Secret gives it; production never opts in to the public key.
        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal(name == "dev", auth.AllowPublicDevelopmentKey);
    }

    private static void AssertProbe(Dictionary<string, object?> container, string probe, string path, int port)
    {
        var httpGet = KubeObject.MapAt(container, $"{probe}.httpGet");
        Assert.Equal(path, httpGet.GetValueOrDefault("path"));
        Assert.Equal(port, MultiStoreApp.ContainerPort(container, (string)httpGet["port"]!));
    }

    private static TimeSpan ProbeTimeout(Dictionary<string, object?> container, string probe) =>
        TimeSpan.FromSeconds(int.Parse((string)KubeObject.MapAt(container, probe)["timeoutSeconds"]!, CultureInfo.InvariantCulture));

    private static (TimeSpan Grace, TimeSpan PreStop) GraceAndPreStop(KubeObject deployment)
    {
        var spec = KubeObject.MapAt(deployment.PodTemplate!, "spec");
        var preStop = KubeObject.MapAt(deployment.Containers.Single(), "lifecycle.preStop.sleep").GetValueOrDefault("seconds") as string ?? "0";
        return (TimeSpan.FromSeconds(int.Parse((string)spec["terminationGracePeriodSeconds"]!, CultureInfo.InvariantCulture)),
                TimeSpan.FromSeconds(int.Parse(preStop, CultureInfo.InvariantCulture)));
    }

    private static string? FieldPath(Overlay overlay, string variable) =>
        KubeObject.ListAt(MultiStoreApp.Silo.Container(overlay), "env").Single(e => (string)e["name"]! == variable) is var env
            ? KubeObject.MapAt(env, "valueFrom.fieldRef").GetValueOrDefault("fieldPath") as string
            : null;

    private static List<int> UrlPorts(string? urls) =>
        [.. (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).Select(url => new Uri(url.Replace("+", "localhost", StringComparison.Ordinal)).Port)];
}
