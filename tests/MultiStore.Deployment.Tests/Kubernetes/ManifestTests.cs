namespace MultiStore.Deployment.Tests.Kubernetes;

/// <summary>
/// What breaks a deployment silently, checked on every rendered overlay: selectors that select nothing, ports and
/// references that do not exist, containers without resources, floating images.
/// </summary>
public sealed class ManifestTests
{
    public static IEnumerable<object[]> Overlays => Overlay.All;

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Workloads_OfEveryOverlay_SelectTheirOwnPodTemplateLabels(string name)
    {
        var overlay = Overlay.Named(name);

        Assert.NotEmpty(overlay.Workloads);
        foreach (var workload in overlay.Workloads)
        {
            var selector = KubeObject.Strings(workload.Map("spec.selector.matchLabels"));
            var labels = KubeObject.Strings(KubeObject.MapAt(workload.PodTemplate!, "metadata.labels"));
            Assert.NotEmpty(selector);
            Assert.All(selector, pair => Assert.True(labels.GetValueOrDefault(pair.Key) == pair.Value, $"{workload}: selector {pair.Key}={pair.Value} is not a pod label."));
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void ServicesAndBudgets_OfEveryOverlay_SelectAWorkloadsPods(string name)
    {
        var overlay = Overlay.Named(name);
        var selectors = overlay.Objects.Where(o => o.Kind == "Service" && o.Map("spec").GetValueOrDefault("type") as string != "ExternalName")
            .Select(o => (o.Id, Selector: KubeObject.Strings(o.Map("spec.selector"))))
            .Concat(overlay.Objects.Where(o => o.Kind == "PodDisruptionBudget").Select(o => (o.Id, Selector: KubeObject.Strings(o.Map("spec.selector.matchLabels")))));

        foreach (var (id, selector) in selectors)
        {
            Assert.NotEmpty(selector);
            Assert.True(PodsSelectedBy(overlay, selector).Any(), $"{name}: {id} selects no pod template.");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void ServiceTargetPorts_OfEveryOverlay_AreContainerPortsOfTheSelectedPods(string name)
    {
        var overlay = Overlay.Named(name);
        foreach (var service in overlay.Objects.Where(o => o.Kind == "Service" && o.Map("spec").GetValueOrDefault("type") as string != "ExternalName"))
        {
            var pods = PodsSelectedBy(overlay, KubeObject.Strings(service.Map("spec.selector"))).ToList();
            foreach (var port in KubeObject.ListAt(service.Map("spec"), "ports"))
            {
                var target = port.GetValueOrDefault("targetPort") as string ?? (string)port["port"]!;
                Assert.All(pods, pod => Assert.True(
                    pod.Containers.Any(container => MultiStoreApp.ContainerPort(container, target) is not null),
                    $"{name}: {service} targets port '{target}', which {pod} does not declare."));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void IngressBackends_OfEveryOverlay_AreServicePortsThatExist(string name)
    {
        var overlay = Overlay.Named(name);
        var ingresses = overlay.Objects.Where(o => o.Kind == "Ingress").ToList();

        Assert.NotEmpty(ingresses);
        foreach (var ingress in ingresses)
        {
            var rules = KubeObject.ListAt(ingress.Map("spec"), "rules");
            Assert.Contains(rules, rule => ((string)rule["host"]!).StartsWith("*.", StringComparison.Ordinal));
            Assert.Contains(rules, rule => !((string)rule["host"]!).StartsWith("*.", StringComparison.Ordinal));
            foreach (var path in rules.SelectMany(rule => KubeObject.ListAt(KubeObject.MapAt(rule, "http"), "paths")))
            {
                var backend = KubeObject.MapAt(path, "backend.service");
                var service = overlay.Single("Service", (string)backend["name"]!);
                var port = KubeObject.MapAt(backend, "port");
                Assert.Contains(KubeObject.ListAt(service.Map("spec"), "ports"), p =>
                    port.GetValueOrDefault("name") is string portName ? (p.GetValueOrDefault("name") as string) == portName : (string)p["port"]! == (string)port["number"]!);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SecretAndConfigMapReferences_OfEveryOverlay_NameObjectsAndKeysThatExist(string name)
    {
        var overlay = Overlay.Named(name);
        var references = new List<(string Where, string Kind, string Name, string? Key)>();
        foreach (var workload in overlay.Workloads)
        {
            foreach (var container in workload.Containers)
            {
                foreach (var source in KubeObject.ListAt(container, "envFrom"))
                {
                    references.AddRange(source.Select(pair => (workload.Id, pair.Key == "secretRef" ? "Secret" : "ConfigMap", (string)((Dictionary<string, object?>)pair.Value!)["name"]!, (string?)null)));
                }

                foreach (var env in KubeObject.ListAt(container, "env"))
                {
                    foreach (var (kind, reference) in new[] { ("Secret", "secretKeyRef"), ("ConfigMap", "configMapKeyRef") })
                    {
                        var keyRef = KubeObject.MapAt(env, $"valueFrom.{reference}");
                        if (keyRef.Count > 0)
                        {
                            references.Add((workload.Id, kind, (string)keyRef["name"]!, (string)keyRef["key"]!));
                        }
                    }
                }
            }

            foreach (var volume in KubeObject.ListAt(KubeObject.MapAt(workload.PodTemplate!, "spec"), "volumes"))
            {
                if (volume.GetValueOrDefault("secret") is Dictionary<string, object?> secret)
                {
                    references.Add((workload.Id, "Secret", (string)secret["secretName"]!, null));
                }

                if (volume.GetValueOrDefault("configMap") is Dictionary<string, object?> configMap)
                {
                    references.Add((workload.Id, "ConfigMap", (string)configMap["name"]!, null));
                }
            }
        }

        foreach (var tls in overlay.Objects.Where(o => o.Kind == "Ingress").SelectMany(o => KubeObject.ListAt(o.Map("spec"), "tls").Select(t => (Ingress: o, Tls: t))))
        {
            // cert-manager creates the certificate Secret an annotated Ingress names; any other must exist.
            if (!tls.Ingress.Map("metadata.annotations").Keys.Any(key => key.StartsWith("cert-manager.io/", StringComparison.Ordinal)))
            {
                references.Add((tls.Ingress.Id, "Secret", (string)tls.Tls["secretName"]!, null));
            }
        }

        Assert.NotEmpty(references);
        foreach (var (where, kind, objectName, key) in references)
        {
            var keys = overlay.KeysOf(kind, objectName);
            Assert.True(keys is not null, $"{name}: {where} refers to {kind}/{objectName}, which does not exist.");
            Assert.True(key is null || keys.Contains(key), $"{name}: {where} refers to key '{key}' of {kind}/{objectName}, which it does not have.");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Containers_OfEveryOverlay_RequestAndLimitCpuAndMemory(string name)
    {
        foreach (var workload in Overlay.Named(name).Workloads)
        {
            foreach (var container in workload.Containers)
            {
                var resources = KubeObject.MapAt(container, "resources");
                foreach (var path in new[] { "requests.cpu", "requests.memory", "limits.cpu", "limits.memory" })
                {
                    var (section, resource) = (path.Split('.')[0], path.Split('.')[1]);
                    Assert.True(KubeObject.MapAt(resources, section).GetValueOrDefault(resource) is string { Length: > 0 },
                        $"{name}: {workload} container {container["name"]} has no {path}.");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Images_OfEveryOverlay_ArePinnedByTagAndNeverLatest(string name)
    {
        foreach (var container in Overlay.Named(name).Workloads.SelectMany(w => w.Containers))
        {
            var image = (string)container["image"]!;
            var (_, tag) = Kustomize.SplitImage(image);

            Assert.True(image.Contains('@', StringComparison.Ordinal) || tag is not null, $"{name}: {image} has no tag.");
            Assert.NotEqual("latest", tag);
            Assert.True(image.Contains('@', StringComparison.Ordinal) || System.Text.RegularExpressions.Regex.IsMatch(tag!, @"^\d+(\.\d+)+"), $"{name}: {image} is not pinned to a version.");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Autoscalers_OfEveryOverlay_TargetDeploymentsWithinSaneBounds(string name)
    {
        var overlay = Overlay.Named(name);
        var autoscalers = overlay.Objects.Where(o => o.Kind == "HorizontalPodAutoscaler").ToList();

        Assert.Equal(["multistore-api", "multistore-silo"], autoscalers.Select(a => (string)a.Map("spec.scaleTargetRef")["name"]!).Order());
        foreach (var autoscaler in autoscalers)
        {
            var spec = autoscaler.Map("spec");
            var target = overlay.Single((string)autoscaler.Map("spec.scaleTargetRef")["kind"]!, (string)autoscaler.Map("spec.scaleTargetRef")["name"]!);
            var (min, max) = (int.Parse((string)spec["minReplicas"]!), int.Parse((string)spec["maxReplicas"]!));
            Assert.InRange(min, 1, max);
            Assert.InRange(int.Parse((string)target.Map("spec")["replicas"]!), min, max);
        }

        // Silos leave one at a time, as the scaling test does it: each leaver's grains reactivate from PostgreSQL.
        var silo = autoscalers.Single(a => (string)a.Map("spec.scaleTargetRef")["name"]! == "multistore-silo");
        Assert.All(KubeObject.ListAt(silo.Map("spec.behavior.scaleDown"), "policies"), policy => Assert.Equal(("Pods", "1"), ((string)policy["type"]!, (string)policy["value"]!)));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void NamespacedObjects_OfEveryOverlay_LiveInTheMultistoreNamespace(string name)
    {
        var overlay = Overlay.Named(name);

        Assert.NotNull(overlay.Find("Namespace", "multistore"));
        Assert.All(overlay.Objects.Where(o => o.Kind != "Namespace"), o => Assert.Equal("multistore", o.Namespace));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void SiloNetworkPolicy_OfEveryOverlay_OpensTheGatewayToTheApiAndTheSiloPortToSilosOnly(string name)
    {
        // The silos trust the request context a client sends (store, actor, permissions): no other pod may connect.
        var overlay = Overlay.Named(name);
        var silo = overlay.Single("Deployment", "multistore-silo");
        var policy = Assert.Single(overlay.Objects, o => o.Kind == "NetworkPolicy");
        Assert.Equal(["Ingress"], ((List<object?>)policy.Map("spec")["policyTypes"]!).Cast<string>());
        Assert.Equal([silo.Name], PodsSelectedBy(overlay, KubeObject.Strings(policy.Map("spec.podSelector.matchLabels"))).Select(pod => pod.Name));

        var openTo = new Dictionary<string, List<string>>();
        foreach (var rule in KubeObject.ListAt(policy.Map("spec"), "ingress"))
        {
            var sources = rule.ContainsKey("from")
                ? KubeObject.ListAt(rule, "from").SelectMany(from => PodsSelectedBy(overlay, KubeObject.Strings(KubeObject.MapAt(from, "podSelector.matchLabels")))).Select(pod => pod.Name).ToList()
                : ["anyone"];
            foreach (var port in KubeObject.ListAt(rule, "ports").Select(port => (string)port["port"]!))
            {
                Assert.True(MultiStoreApp.ContainerPort(silo.Containers[0], port) is not null, $"{name}: the policy opens '{port}', which the silo does not declare.");
                (openTo.TryGetValue(port, out var list) ? list : openTo[port] = []).AddRange(sources);
            }
        }

        Assert.Equal(["multistore-api"], openTo["gateway"]);
        Assert.Equal(["multistore-silo"], openTo["silo"]);
        Assert.Equal(["anyone"], openTo["health"]);
    }

    private static IEnumerable<KubeObject> PodsSelectedBy(Overlay overlay, IReadOnlyDictionary<string, string> selector) =>
        overlay.Workloads.Where(workload =>
        {
            var labels = KubeObject.Strings(KubeObject.MapAt(workload.PodTemplate!, "metadata.labels"));
            return selector.All(pair => labels.GetValueOrDefault(pair.Key) == pair.Value);
        });
}
