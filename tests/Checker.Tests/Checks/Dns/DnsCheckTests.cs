using Microsoft.Extensions.DependencyInjection;
using Sentinel.Checker.Checks;
using Sentinel.Checker.Checks.Dns;
using Sentinel.Contracts;

namespace Sentinel.Checker.Tests.Checks.Dns;

public sealed class DnsCheckTests
{
    ServiceProvider services = null!;
    DnsCheck check = null!;
    DnsServer server = null!;

    [OneTimeSetUp]
    public void Start()
    {
        services = CheckServices.Create();
        check = services.GetRequiredService<DnsCheck>();
        server = new DnsServer();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await server.DisposeAsync();
        await services.DisposeAsync();
    }

    DnsCheckSpec Spec(string name, string type = "A", string rcode = "NOERROR", IReadOnlyList<string>? answers = null) =>
        new(name, type, "127.0.0.1", server.Port, rcode, answers);

    [Test]
    public async Task An_a_query_is_up_with_its_answers_as_body_and_first_address_as_ip()
    {
        var outcome = await check.RunAsync(Spec("ok.test", answers: ["10.1.2.3"]), 5, CancellationToken.None);

        Assert.That(outcome.Up, Is.True, outcome.Error);
        Assert.That(outcome.Facts!.DnsRcode, Is.EqualTo("NOERROR"));
        Assert.That(outcome.Facts.Body, Is.EqualTo("10.1.2.3\n10.1.2.4"));
        Assert.That(outcome.Facts.Ip, Is.EqualTo("10.1.2.3"));
        Assert.That(outcome.Detail, Is.EqualTo("NOERROR: 10.1.2.3, 10.1.2.4"));
    }

    [TestCase("AAAA", "ok.test", "fd00::1")]
    [TestCase("MX", "mail.test", "10 mx.mail.test")]
    [TestCase("TXT", "txt.test", "v=spf1 -all")]
    public async Task Other_record_types_are_read_as_people_write_them(string type, string name, string answer)
    {
        var outcome = await check.RunAsync(Spec(name, type, answers: [answer]), 5, CancellationToken.None);

        Assert.That(outcome.Up, Is.True, outcome.Error);
        Assert.That(outcome.Facts!.Body, Is.EqualTo(answer));
    }

    [Test]
    public async Task A_missing_expected_answer_is_down_and_lists_what_came()
    {
        var outcome = await check.RunAsync(Spec("ok.test", answers: ["10.9.9.9"]), 5, CancellationToken.None);

        Assert.That(outcome.Up, Is.False);
        Assert.That(outcome.Error, Is.EqualTo("answer lacks 10.9.9.9 (got 10.1.2.3, 10.1.2.4)"));
    }

    [Test]
    public async Task Nxdomain_is_down_unless_it_is_the_expected_rcode()
    {
        var down = await check.RunAsync(Spec("gone.test"), 5, CancellationToken.None);
        var up = await check.RunAsync(Spec("gone.test", rcode: "NXDOMAIN"), 5, CancellationToken.None);

        Assert.That(down.Up, Is.False);
        Assert.That(down.Error, Is.EqualTo("DNS answered NXDOMAIN, expected NOERROR"));
        Assert.That(down.Facts!.DnsRcode, Is.EqualTo("NXDOMAIN"));
        Assert.That(up.Up, Is.True, up.Error);
    }

    [Test]
    public async Task A_resolver_that_never_answers_is_down_after_the_timeout()
    {
        var started = TimeProvider.System.GetTimestamp();

        var outcome = await check.RunAsync(Spec("silent.test"), 1, CancellationToken.None);

        Assert.That(outcome.Up, Is.False);
        Assert.That(outcome.Error, Is.EqualTo("no answer from the resolver within 1 s"));
        Assert.That(TimeProvider.System.GetElapsedTime(started), Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task Rcode_conditions_are_evaluated()
    {
        var runner = services.GetRequiredService<CheckRunner>();
        var due = Checks.Due(DnsCheck.Type, check: new CheckSpec(
            Conditions: ["[DNS_RCODE] == NXDOMAIN", "[BODY] == \"\""], Dns: Spec("gone.test", rcode: "NXDOMAIN")));

        var outcome = await runner.RunAsync(due, CancellationToken.None);

        Assert.That(outcome.Up, Is.True, outcome.Error);
        Assert.That(outcome.Conditions!.All(c => c.Success), Is.True);
    }

    [Test]
    public async Task A_resolver_on_a_private_address_is_refused_when_private_targets_are_blocked()
    {
        await using var blocking = CheckServices.Create(blockPrivateTargets: true);
        var before = server.Queries;

        var outcome = await blocking.GetRequiredService<DnsCheck>().RunAsync(Spec("ok.test"), 5, CancellationToken.None);

        Assert.That(outcome.Up, Is.False);
        Assert.That(outcome.Error, Does.StartWith("target 127.0.0.1 is a loopback address"));
        Assert.That(server.Queries, Is.EqualTo(before), "no query was sent");
    }
}
