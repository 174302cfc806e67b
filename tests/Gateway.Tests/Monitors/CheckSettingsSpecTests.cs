using Sentinel.Gateway.Monitors;

namespace Sentinel.Gateway.Tests.Monitors;

/// Validation of the type-specific fields and conditions (pure: MonitorSpec.Parse).
public sealed class CheckSettingsSpecTests
{
    static (MonitorSpec? Spec, Dictionary<string, string[]> Errors) Parse(MonitorRequest request, int minInterval = 5) =>
        MonitorSpec.Parse(request, minInterval);

    static MonitorRequest Of(string type) => new(Name: "m", Type: type);

    [Test]
    public void A_tcp_monitor_needs_a_host_and_a_port()
    {
        var (_, errors) = Parse(Of("tcp"));
        var (spec, none) = Parse(Of("tcp") with { Host = "db.internal", Port = 5432, Payload = "PING\r\n", Expect = "^PONG" });

        Assert.That(errors.Keys, Is.EquivalentTo(new[] { "host", "port" }));
        Assert.That(none, Is.Empty);
        Assert.That(spec!.Settings, Is.EqualTo(new MonitorSettings(Host: "db.internal", Port: 5432, Payload: "PING\r\n", Expect: "^PONG")));
        Assert.That(spec.Url, Is.Null);
    }

    [Test]
    public void A_udp_monitor_needs_a_payload() =>
        Assert.That(Parse(Of("udp") with { Host = "127.0.0.1", Port = 53 }).Errors.Keys, Is.EquivalentTo(new[] { "payload" }));

    [Test]
    public void Defaults_fill_icmp_dns_and_tls_settings()
    {
        var icmp = Parse(Of("icmp") with { Host = "10.0.0.1" }).Spec!.Settings;
        var dns = Parse(Of("dns") with { Host = "example.test" }).Spec!.Settings;
        var dnsAt = Parse(Of("dns") with { Host = "example.test", NameServer = "127.0.0.1", RecordType = "mx" }).Spec!.Settings;
        var tls = Parse(Of("tls") with { Host = "example.test" }).Spec!.Settings;

        Assert.That(icmp.PacketCount, Is.EqualTo(3));
        Assert.That((dns.RecordType, dns.ExpectedRcode, dns.NameServer, dns.NameServerPort), Is.EqualTo(("A", "NOERROR", (string?)null, (int?)null)));
        Assert.That((dnsAt.RecordType, dnsAt.NameServerPort), Is.EqualTo(("MX", (int?)53)));
        Assert.That((tls.Port, tls.CertificateExpiryWarningDays), Is.EqualTo(((int?)443, (int?)14)));
    }

    [TestCase("icmp", nameof(MonitorRequest.PacketCount), 0, "packetCount")]
    [TestCase("icmp", nameof(MonitorRequest.PacketCount), 21, "packetCount")]
    [TestCase("tls", nameof(MonitorRequest.Port), 70000, "port")]
    [TestCase("tls", nameof(MonitorRequest.CertificateExpiryWarningDays), 400, "certificateExpiryWarningDays")]
    [TestCase("tcp", nameof(MonitorRequest.Port), 0, "port")]
    public void Numbers_out_of_range_are_rejected(string type, string property, int value, string field)
    {
        var request = Of(type) with { Host = "example.test", Port = type == "tls" ? null : 80 };
        request = property switch
        {
            nameof(MonitorRequest.PacketCount) => request with { PacketCount = value },
            nameof(MonitorRequest.Port) => request with { Port = value },
            _ => request with { CertificateExpiryWarningDays = value },
        };

        Assert.That(Parse(request).Errors.Keys, Is.EquivalentTo(new[] { field }));
    }

    [TestCase("not a host!")]
    [TestCase("")]
    [TestCase("a..b")]
    public void A_host_must_be_a_name_or_an_address(string host) =>
        Assert.That(Parse(Of("icmp") with { Host = host }).Errors, Does.ContainKey("host"));

    [Test]
    public void Dns_record_types_and_rcodes_are_from_the_supported_lists()
    {
        var (_, errors) = Parse(Of("dns") with { Host = "example.test", RecordType = "PTR", ExpectedRcode = "NOPE" });

        Assert.That(errors.Keys, Is.EquivalentTo(new[] { "recordType", "expectedRcode" }));
    }

    [Test]
    public void An_expect_pattern_must_be_a_valid_regular_expression() =>
        Assert.That(Parse(Of("tcp") with { Host = "h.test", Port = 1, Expect = "([unclosed" }).Errors["expect"][0],
            Does.StartWith("Expect is not a valid regular expression"));

    [Test]
    public void Bad_conditions_are_rejected_with_their_index_and_position()
    {
        var (spec, errors) = Parse(new MonitorRequest(Name: "m", Type: "http", Url: "https://a.test",
            Conditions: ["[STATUS] == 200", "[STATUS] = 200", "[BODY].x < fast", "[DNS_RCODE] == NOERROR"]));

        Assert.That(spec, Is.Null);
        Assert.That(errors.Keys, Is.EquivalentTo(new[] { "conditions[1]", "conditions[2]", "conditions[3]" }));
        Assert.That(errors["conditions[1]"][0], Does.StartWith("Position 9: expected an operator"));
        Assert.That(errors["conditions[2]"][0], Does.StartWith("Position 11: 'fast' is not a number or duration"));
        Assert.That(errors["conditions[3]"][0], Is.EqualTo("Position 0: [DNS_RCODE] is not available for http monitors."));
    }

    [Test]
    public void Good_conditions_are_kept_trimmed()
    {
        var spec = Parse(new MonitorRequest(Name: "m", Type: "dns", Host: "a.test", Conditions: ["  [DNS_RCODE] == NOERROR ", "[BODY] == pat(10.*)"])).Spec!;

        Assert.That(spec.Settings.Conditions, Is.EqualTo(new[] { "[DNS_RCODE] == NOERROR", "[BODY] == pat(10.*)" }));
    }

    [Test]
    public void At_most_twenty_conditions_are_allowed() =>
        Assert.That(Parse(new MonitorRequest(Name: "m", Type: "icmp", Host: "a.test",
            Conditions: Enumerable.Repeat("[CONNECTED] == true", 21).ToList())).Errors, Does.ContainKey("conditions"));

    [Test]
    public void Http_auth_keyword_and_size_cap_are_validated()
    {
        var http = new MonitorRequest(Name: "m", Type: "http", Url: "https://a.test");

        Assert.That(Parse(http with { BasicAuth = new("ops", "pw"), BearerToken = "t" }).Errors.Keys, Is.EquivalentTo(new[] { "bearerToken" }));
        Assert.That(Parse(http with { BasicAuth = new("a:b", "pw") }).Errors.Keys, Is.EquivalentTo(new[] { "basicAuth.username" }));
        Assert.That(Parse(http with { InvertKeyword = true }).Errors.Keys, Is.EquivalentTo(new[] { "invertKeyword" }));
        Assert.That(Parse(http with { MaxResponseBytes = 0 }).Errors.Keys, Is.EquivalentTo(new[] { "maxResponseBytes" }));
        Assert.That(Parse(http with { BasicAuth = new("ops", "pw"), Keyword = "ok", MaxResponseBytes = 4096 }).Spec!.Settings,
            Is.EqualTo(new MonitorSettings(BasicAuthUsername: "ops", BasicAuthPassword: "pw", Keyword: "ok", InvertKeyword: false, MaxResponseBytes: 4096)));
    }

    [Test]
    public void Fields_of_other_types_are_ignored_and_not_stored()
    {
        var spec = Parse(new MonitorRequest(Name: "m", Type: "http", Url: "https://a.test", Host: "x.test", Port: 1, PacketCount: 4)).Spec!;

        Assert.That(spec.Settings, Is.EqualTo(new MonitorSettings()));
    }

    [TestCase(30, 29, false)]
    [TestCase(30, 30, true)]
    [TestCase(5, 5, true)]
    [TestCase(5, 4, false)]
    public void The_minimum_interval_is_configurable(int minimum, int interval, bool valid) =>
        Assert.That(Parse(new MonitorRequest(Name: "m", Type: "icmp", Host: "a.test", IntervalSeconds: interval), minimum).Errors
            .ContainsKey("intervalSeconds"), Is.EqualTo(!valid));
}
