using Microsoft.Extensions.DependencyInjection;
using Sentinel.Checker.Checks;
using Sentinel.Checker.Checks.Tls;
using Sentinel.Checker.Tests.Checks.Http;
using Sentinel.Contracts;

namespace Sentinel.Checker.Tests.Checks.Tls;

public sealed class TlsCheckTests
{
    ServiceProvider services = null!;
    TlsCheck check = null!;

    [OneTimeSetUp]
    public void CreateCheck()
    {
        services = CheckServices.Create();
        check = services.GetRequiredService<TlsCheck>();
    }

    [OneTimeTearDown]
    public async Task DisposeServices() => await services.DisposeAsync();

    static TlsCheckSpec Spec(int port, bool ignoreTls = true, int warningDays = 14, string? serverName = null) =>
        new("127.0.0.1", port, serverName ?? "localhost", warningDays, ignoreTls);

    [Test]
    public async Task A_certificate_valid_for_ninety_days_is_up_with_its_time_to_expiry()
    {
        await using var server = new TlsServer(Certificates.SelfSigned("localhost", DateTimeOffset.UtcNow.AddDays(90)));

        var outcome = await check.RunAsync(Spec(server.Port), 5, CancellationToken.None);

        Assert.That(outcome.Up, Is.True, outcome.Error);
        Assert.That(outcome.Facts!.CertificateExpirationMs, Is.EqualTo(TimeSpan.FromDays(90).TotalMilliseconds).Within(TimeSpan.FromMinutes(5).TotalMilliseconds));
        Assert.That(outcome.Facts.Connected, Is.True);
        Assert.That(outcome.Facts.Ip, Is.EqualTo("127.0.0.1"));
        Assert.That(outcome.Detail, Does.Contain("CN=localhost").And.Contain("days left"));
    }

    [Test]
    public async Task A_certificate_expiring_within_the_warning_days_is_down_with_a_clear_reason()
    {
        await using var server = new TlsServer(Certificates.SelfSigned("localhost", DateTimeOffset.UtcNow.AddDays(3)));

        var outcome = await check.RunAsync(Spec(server.Port, warningDays: 14), 5, CancellationToken.None);
        var relaxed = await check.RunAsync(Spec(server.Port, warningDays: 2), 5, CancellationToken.None);

        Assert.That(outcome.Up, Is.False);
        Assert.That(outcome.Error, Does.StartWith("certificate expires in 3 days").Or.StartWith("certificate expires in 2.9 days"));
        Assert.That(outcome.Error, Does.Contain("within the 14-day warning"));
        Assert.That(relaxed.Up, Is.True, relaxed.Error);
    }

    [Test]
    public async Task An_expired_certificate_is_down_even_when_tls_errors_are_ignored()
    {
        var expiry = DateTimeOffset.UtcNow.AddDays(-2);
        await using var server = new TlsServer(Certificates.SelfSigned("localhost", expiry));

        var outcome = await check.RunAsync(Spec(server.Port, ignoreTls: true), 5, CancellationToken.None);

        Assert.That(outcome.Up, Is.False);
        Assert.That(outcome.Error, Does.StartWith($"certificate expired on {expiry:yyyy-MM-dd}"));
        Assert.That(outcome.Facts!.CertificateExpirationMs, Is.Zero);
    }

    [Test]
    public async Task An_untrusted_chain_is_down_unless_tls_errors_are_ignored()
    {
        await using var server = new TlsServer(Certificates.SelfSigned("localhost", DateTimeOffset.UtcNow.AddDays(90)));

        var outcome = await check.RunAsync(Spec(server.Port, ignoreTls: false), 5, CancellationToken.None);

        Assert.That(outcome.Up, Is.False);
        Assert.That(outcome.Error, Does.StartWith("certificate chain is not trusted").And.Contain("UntrustedRoot"));
    }

    [Test]
    public async Task A_certificate_for_another_name_is_down_as_a_hostname_mismatch()
    {
        await using var server = new TlsServer(Certificates.SelfSigned("other.test", DateTimeOffset.UtcNow.AddDays(90)));

        var outcome = await check.RunAsync(Spec(server.Port, ignoreTls: false, serverName: "localhost"), 5, CancellationToken.None);

        Assert.That(outcome.Up, Is.False);
        Assert.That(outcome.Error, Is.EqualTo("certificate is not valid for 'localhost' (subject CN=other.test)"));
    }

    [Test]
    public async Task A_server_that_does_not_speak_tls_is_down_as_a_failed_handshake()
    {
        await using var plain = await TargetServer.StartAsync();

        var outcome = await check.RunAsync(Spec(plain.Address.Port), 5, CancellationToken.None);

        Assert.That(outcome.Up, Is.False);
        Assert.That(outcome.Error, Does.StartWith("TLS handshake failed"));
    }

    [Test]
    public async Task A_closed_port_is_down_as_connection_refused()
    {
        var outcome = await check.RunAsync(Spec(Ports.Closed()), 5, CancellationToken.None);

        Assert.That(outcome.Error, Is.EqualTo("connection refused"));
    }

    [Test]
    public async Task Certificate_expiration_conditions_are_evaluated_in_hours()
    {
        await using var server = new TlsServer(Certificates.SelfSigned("localhost", DateTimeOffset.UtcNow.AddDays(10)));
        var runner = services.GetRequiredService<CheckRunner>();
        DueCheck Due(string condition) => Checks.Due(TlsCheck.Type, check: new CheckSpec(
            Conditions: [condition], Tls: Spec(server.Port, warningDays: 1)));

        var holds = await runner.RunAsync(Due("[CERTIFICATE_EXPIRATION] > 48h"), CancellationToken.None);
        var fails = await runner.RunAsync(Due("[CERTIFICATE_EXPIRATION] > 720h"), CancellationToken.None);

        Assert.That(holds.Up, Is.True, holds.Error);
        Assert.That(fails.Up, Is.False);
        Assert.That(fails.Error, Does.StartWith("condition [CERTIFICATE_EXPIRATION] > 720h failed (actual: "));
        Assert.That(fails.Conditions!.Single().Success, Is.False);
    }
}
