using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Sentinel.Deployment.Tests.Helm;

/// What can be verified about the chart without helm or a cluster (docs/operations.md says what cannot).
public sealed class HelmChartTests
{
    static readonly string[] Services = ["gateway", "scheduler", "checker", "telemetryIngest", "alertEvaluation", "delivery"];

    /// Set by the platform or read by .NET itself rather than by our code.
    static readonly Regex FrameworkVariable = new("^(Logging__|ASPNETCORE_|DOTNET_|Urls$)");

    [Test]
    public void Chart_yaml_parses_and_names_the_chart_with_versions()
    {
        var chart = Repository.YamlFile("infra", "helm", "sentinel", "Chart.yaml");
        Assert.That(chart.Scalar("apiVersion"), Is.EqualTo("v2"));
        Assert.That(chart.Scalar("name"), Is.EqualTo("sentinel"));
        Assert.That(chart.Scalar("version"), Does.Match(@"^\d+\.\d+\.\d+"));
        Assert.That(chart.Scalar("appVersion"), Is.Not.Empty);
        Assert.That(chart.Scalar("type"), Is.EqualTo("application"));
    }

    [Test]
    public void Values_yaml_parses_and_gives_every_service_an_image_replicas_and_resources()
    {
        var services = Chart.Values.Child("services");
        Assert.That(services.Keys(), Is.EquivalentTo(Services));
        foreach (var name in Services)
        {
            var service = services!.Child(name)!;
            Assert.That(service.Scalar("repository"), Is.EqualTo($"sentinel/{Repository.Component(name)}"), name);
            Assert.That(int.Parse(service.Scalar("replicas")!), Is.GreaterThanOrEqualTo(1), name);
            Assert.That(service.Child("resources").Child("requests").Keys(), Is.SupersetOf(new[] { "cpu", "memory" }), name);
            Assert.That(service.Child("resources").Child("limits").Keys(), Does.Contain("memory"), name);
            Assert.That(service.Scalar("database"), Is.EqualTo("true").Or.EqualTo("false"), name);
        }
    }

    [Test]
    public void Every_values_path_a_template_uses_exists_in_values_yaml()
    {
        var values = Chart.Values;
        var used = Chart.ValuesPaths().ToList();
        Assert.That(used, Has.Count.GreaterThan(30), "the templates read their settings from .Values");
        var missing = used
            .Where(u => !Exists(values, u.Path.TrimStart('.').Split('.')))
            .Select(u => $"{u.File}: .Values{u.Path}")
            .Distinct()
            .ToList();
        Assert.That(missing, Is.Empty, "template paths with no entry in values.yaml");
    }

    [Test]
    public void Every_template_without_its_template_actions_is_yaml_with_api_version_kind_and_metadata()
    {
        Assert.That(Chart.Templates.Select(Path.GetFileName), Is.SupersetOf(new[]
        {
            "configmap.yaml", "secret.yaml", "deployments.yaml", "services.yaml", "ingress.yaml", "servicemonitor.yaml",
            "rabbitmq.yaml", "postgresql.yaml", "redis.yaml",
        }));
        foreach (var template in Chart.Templates.Select(Path.GetFileName))
        {
            IReadOnlyList<YamlMappingNode> documents = [];
            Assert.That(() => documents = Chart.Documents(template!), Throws.Nothing, template);
            Assert.That(documents, Is.Not.Empty, template);
            foreach (var document in documents)
            {
                Assert.That(document.Scalar("apiVersion"), Is.Not.Null.And.Not.Empty, $"{template}: apiVersion");
                Assert.That(document.Scalar("kind"), Is.Not.Null.And.Not.Empty, $"{template}: kind");
                Assert.That(document.Child("metadata").Keys(), Does.Contain("name"), $"{template}: metadata.name");
            }
        }
    }

    [Test]
    public void Each_service_gets_exactly_the_environment_variables_its_code_reads()
    {
        var values = Chart.Values.Child("services")!;
        var settings = SettingsByObjectName();
        var problems = new List<string>();
        foreach (var name in Services)
        {
            var folder = Repository.ServiceFolder(name);
            var usesDatabase = File.ReadAllText(Repository.PathOf("services", folder, "Program.cs")).Contains("AddSentinelDatabase");
            Assert.That(values.Child(name)!.Scalar("database"), Is.EqualTo(usesDatabase ? "true" : "false"),
                $"services.{name}.database must say whether {folder} owns a schema");

            var given = new HashSet<string>(settings["common"]);
            if (usesDatabase)
                given.UnionWith(settings["database"]);
            given.UnionWith(settings.GetValueOrDefault(Repository.Component(name), []));

            var keys = ServiceSettings.ReadBy(folder);
            var read = keys.Required.Select(ServiceSettings.EnvironmentVariable).ToHashSet();
            var readable = read.Concat(keys.Optional.Select(ServiceSettings.EnvironmentVariable)).ToHashSet();
            problems.AddRange(read.Except(given).Order().Select(v =>
                $"{folder} reads {v} but the chart does not set it (templates/configmap.yaml or secret.yaml, object -{Repository.Component(name)}, and values.yaml)"));
            problems.AddRange(given.Where(v => !FrameworkVariable.IsMatch(v)).Except(readable).Order().Select(v =>
                $"the chart sets {v} for {folder}, which never reads it (a typo, or another service's setting)"));
        }
        Assert.That(problems, Is.Empty, string.Join("\n", problems));
    }

    [Test]
    public void Every_deployment_reads_its_settings_probes_health_and_migrates_before_starting()
    {
        var text = Chart.Template("deployments.yaml");
        Assert.That(text, Does.Contain("range $key, $svc := .Values.services"), "one Deployment per service");
        Assert.That(text, Does.Contain("replicas: {{ $svc.replicas }}"));
        Assert.That(text, Does.Contain("path: /health/live").And.Contain("path: /health/ready"));
        Assert.That(text, Does.Contain("toYaml $svc.resources"));
        foreach (var source in new[] { "-common", "-database", "-{{ $component }}" })
            Assert.That(text, Does.Contain($"configMapRef: {{ name: \"{{{{ $fullname }}}}{source}\" }}"), source);
        Assert.That(text, Does.Contain("(printf \"%s-common\" $fullname)").And.Contain("(printf \"%s-database\" $fullname)"));
        Assert.That(text, Does.Contain("secretRef: { name: \"{{ $fullname }}-{{ $component }}\", optional: true }"));

        var deployment = Chart.Documents("deployments.yaml").Single();
        Assert.That(deployment.Scalar("kind"), Is.EqualTo("Deployment"));
        var pod = deployment.Child("spec").Child("template").Child("spec")!;
        var migrate = ((YamlSequenceNode)pod.Child("initContainers")!).Children.Single();
        Assert.That(migrate.Scalar("name"), Is.EqualTo("migrate"));
        Assert.That(((YamlSequenceNode)migrate.Child("args")!).Children.Select(a => a.ToString()), Is.EqualTo(new[] { "migrate" }));
        var container = ((YamlSequenceNode)pod.Child("containers")!).Children.Single();
        Assert.That(container.Child("livenessProbe").Child("httpGet").Scalar("path"), Is.EqualTo("/health/live"));
        Assert.That(container.Child("readinessProbe").Child("httpGet").Scalar("path"), Is.EqualTo("/health/ready"));
        Assert.That(Chart.Values.Child("migrations").Scalar("enabled"), Is.EqualTo("true"));
    }

    [Test]
    public void Bundled_servers_ingress_and_service_monitor_are_switched_by_values()
    {
        foreach (var (template, flag) in new[]
        {
            ("rabbitmq.yaml", ".Values.rabbitmq.enabled"), ("postgresql.yaml", ".Values.postgresql.enabled"),
            ("redis.yaml", ".Values.redis.enabled"), ("ingress.yaml", ".Values.ingress.enabled"),
            ("servicemonitor.yaml", ".Values.serviceMonitor.enabled"),
        })
            Assert.That(Chart.Template(template).TrimStart(), Does.StartWith($"{{{{- if {flag} }}}}"), template);

        Assert.That(Kinds("rabbitmq.yaml"), Is.EquivalentTo(new[] { "Service", "StatefulSet" }));
        Assert.That(Kinds("postgresql.yaml"), Is.EquivalentTo(new[] { "Service", "StatefulSet" }));
        Assert.That(Kinds("redis.yaml"), Is.EquivalentTo(new[] { "Service", "StatefulSet" }));
        Assert.That(Chart.Values.Child("rabbitmq").Scalar("image"), Does.EndWith("-management"), "the bundled RabbitMQ has the management UI");
        Assert.That(Chart.Template("rabbitmq.yaml"), Does.Contain("image: {{ .Values.rabbitmq.image }}"));
        Assert.That(Kinds("ingress.yaml"), Is.EqualTo(new[] { "Ingress" }));
        Assert.That(Chart.Template("ingress.yaml"), Does.Contain("-gateway"), "the Ingress exposes the Gateway");

        var monitor = Chart.Documents("servicemonitor.yaml").Single();
        Assert.That(monitor.Scalar("apiVersion"), Is.EqualTo("monitoring.coreos.com/v1"));
        var endpoint = ((YamlSequenceNode)monitor.Child("spec").Child("endpoints")!).Children.Single();
        Assert.That(endpoint.Scalar("path"), Is.EqualTo("/metrics"));
        var components = (YamlSequenceNode)((YamlSequenceNode)monitor.Child("spec").Child("selector").Child("matchExpressions")!)
            .Children.Single().Child("values")!;
        Assert.That(components.Children.Select(c => c.ToString()), Is.EquivalentTo(Services.Select(Repository.Component)));
    }

    static List<string?> Kinds(string template) => Chart.Documents(template).Select(d => d.Scalar("kind")).ToList();

    /// ConfigMap and Secret keys by object name suffix: "common", "database" or a component like "telemetry-ingest".
    static Dictionary<string, HashSet<string>> SettingsByObjectName()
    {
        var result = new Dictionary<string, HashSet<string>>();
        foreach (var document in Chart.Documents("configmap.yaml").Concat(Chart.Documents("secret.yaml")))
        {
            var name = document.Child("metadata")!.Scalar("name")!;
            Assert.That(name, Does.StartWith("-"), "objects are named {{ fullname }}-<part>");
            var keys = document.Child("data").Keys().Concat(document.Child("stringData").Keys());
            var set = result.TryGetValue(name[1..], out var existing) ? existing : result[name[1..]] = [];
            foreach (var key in keys)
                Assert.That(set.Add(ServiceSettings.Setting(key)), Is.True, $"{key} is set twice in -{name[1..]}");
        }
        return result;
    }

    static bool Exists(YamlNode node, IEnumerable<string> path)
    {
        foreach (var part in path)
        {
            var child = node.Child(part);
            if (child is null)
                return false;
            node = child;
        }
        return true;
    }
}
