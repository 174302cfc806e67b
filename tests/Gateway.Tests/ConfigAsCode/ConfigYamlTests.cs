using System.Text.Json.Nodes;
using Sentinel.Gateway.ConfigAsCode;
using Sentinel.Gateway.StatusPages;

namespace Sentinel.Gateway.Tests.ConfigAsCode;

public sealed class ConfigYamlTests
{
    [Test]
    public void Plain_scalars_read_as_YAML_core_types_and_quoted_ones_as_strings()
    {
        var (root, error) = ConfigYaml.Read("""
            a: 12
            b: "12"
            c: true
            d: ~
            e: 1.5
            f: hello world
            g: [200-299, '404']
            """);

        Assert.That(error, Is.Null);
        Assert.That(root!.ToJsonString(), Is.EqualTo("""{"a":12,"b":"12","c":true,"d":null,"e":1.5,"f":"hello world","g":["200-299","404"]}"""));
    }

    [Test]
    public void Written_strings_read_back_as_the_same_strings()
    {
        var original = new JsonObject
        {
            ["numberLike"] = "200",
            ["boolLike"] = "true",
            ["yes"] = "yes",
            ["empty"] = "",
            ["url"] = "https://example.com/a?b=c#d",
            ["reference"] = "${secret:ops/webhookUrl}",
            ["multiline"] = "line one\nline two\n",
            ["colon"] = "a: b",
            ["list"] = new JsonArray("200", "2xx", "a,b", 3, false),
            ["nested"] = new JsonObject { ["x"] = new JsonArray(new JsonObject { ["y"] = "-1" }) },
        };

        var (back, error) = ConfigYaml.Read(ConfigYaml.Write(original));

        Assert.That(error, Is.Null);
        Assert.That(back!.ToJsonString(), Is.EqualTo(original.ToJsonString()));
    }

    [Test]
    public void A_syntax_error_says_line_and_column()
    {
        var (root, error) = ConfigYaml.Read("monitors:\n  - name: a\n    url: [unclosed\n");

        Assert.That(root, Is.Null);
        Assert.That(error!.Line, Is.GreaterThanOrEqualTo(3));
        Assert.That(error.Column, Is.GreaterThan(0));
        Assert.That(error.Message, Is.Not.Empty);
    }

    [Test]
    public void A_duplicate_key_is_a_syntax_error()
    {
        var (_, error) = ConfigYaml.Read("monitors: []\nmonitors: []\n");
        Assert.That(error, Is.Not.Null);
        Assert.That(error!.Line, Is.EqualTo(2));
    }

    [Test]
    public void A_status_page_is_written_with_monitor_names_and_reads_back_the_same()
    {
        Guid web = Guid.CreateVersion7(), db = Guid.CreateVersion7();
        var page = new StatusPage
        {
            Id = Guid.CreateVersion7(), TenantId = Guid.CreateVersion7(), Slug = "acme", Title = "Acme: status",
            Description = "Line one\nline two", Groups = [new StatusPageGroup("Front", [web]), new StatusPageGroup("Back end", [db, web])],
            HistoryDays = 90, Public = false,
        };
        var names = new ConfigDocument.Names(new Dictionary<Guid, string>(), new Dictionary<Guid, string>(),
            new Dictionary<Guid, string> { [web] = "web", [db] = "db" });

        var node = ConfigDocument.StatusPageNode(page, names);
        var yaml = ConfigYaml.Write(new JsonObject { ["statusPages"] = new JsonArray(node) });
        var (back, error) = ConfigYaml.Read(yaml);

        Assert.That(error, Is.Null);
        Assert.That(JsonNode.DeepEquals(back!["statusPages"]![0], node), Is.True, yaml);
        Assert.That(yaml, Does.Contain("monitors: [db, web]").And.Contain("public: false").And.Not.Contain("customDomain"));
        Assert.That(yaml, Does.Not.Contain(web.ToString()).And.Not.Contain(db.ToString()));
    }

    [Test]
    public void An_empty_file_is_an_empty_configuration()
    {
        Assert.That(ConfigYaml.Read("").Root!.Count, Is.Zero);
        Assert.That(ConfigYaml.Read("# nothing\n").Root!.Count, Is.Zero);
    }
}
