using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Sentinel.Checker.Checks.Http;
using Sentinel.Contracts;

namespace Sentinel.Checker.Tests.Checks.Http;

public sealed class HttpCheckTests
{
    TargetServer target = null!;
    ServiceProvider services = null!;
    HttpCheck check = null!;

    [OneTimeSetUp]
    public async Task StartTarget()
    {
        target = await TargetServer.StartAsync();
        services = CheckServices.Create();
        check = services.GetRequiredService<HttpCheck>();
    }

    [OneTimeTearDown]
    public async Task StopTarget()
    {
        await target.DisposeAsync();
        await services.DisposeAsync();
    }

    static HttpCheckSpec Spec(
        Uri url, string method = "GET", IReadOnlyDictionary<string, string>? headers = null, string? body = null,
        IReadOnlyList<string>? expected = null, bool followRedirects = true) =>
        new(url.ToString(), method, headers ?? new Dictionary<string, string>(), body, expected ?? [], followRedirects, false);

    [Test]
    public async Task A_200_answer_is_up_with_its_status_and_latency()
    {
        var outcome = await check.RunAsync(Spec(target.Url("/ok")), 10, CancellationToken.None);

        Assert.That(outcome.Up, Is.True);
        Assert.That(outcome.StatusCode, Is.EqualTo(200));
        Assert.That(outcome.Error, Is.Null);
        Assert.That(outcome.LatencyMs, Is.GreaterThan(0).And.LessThan(10_000));
    }

    [Test]
    public async Task A_500_answer_is_down_and_says_which_codes_were_expected()
    {
        var outcome = await check.RunAsync(Spec(target.Url("/status/500")), 10, CancellationToken.None);

        Assert.That(outcome.Up, Is.False);
        Assert.That(outcome.StatusCode, Is.EqualTo(500));
        Assert.That(outcome.Error, Is.EqualTo("HTTP 500 is not in 200-299"));
    }

    [Test]
    public async Task A_target_slower_than_the_timeout_is_down_as_timed_out_without_waiting_for_it()
    {
        var started = TimeProvider.System.GetTimestamp();

        var outcome = await check.RunAsync(Spec(target.Url("/slow")), 1, CancellationToken.None);

        Assert.That(outcome.Up, Is.False);
        Assert.That(outcome.StatusCode, Is.Null);
        Assert.That(outcome.Error, Is.EqualTo("timed out after 1 s"));
        Assert.That(TimeProvider.System.GetElapsedTime(started), Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public void Cancellation_by_the_caller_propagates_instead_of_becoming_a_result()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        Assert.That(
            async () => await check.RunAsync(Spec(target.Url("/slow")), 10, cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task A_redirect_is_followed_when_asked()
    {
        var outcome = await check.RunAsync(Spec(target.Url("/redirect"), followRedirects: true), 10, CancellationToken.None);

        Assert.That(outcome.Up, Is.True);
        Assert.That(outcome.StatusCode, Is.EqualTo(200));
    }

    [Test]
    public async Task A_redirect_is_the_answer_when_not_followed()
    {
        var down = await check.RunAsync(Spec(target.Url("/redirect"), followRedirects: false), 10, CancellationToken.None);
        var up = await check.RunAsync(
            Spec(target.Url("/redirect"), followRedirects: false, expected: ["300-399"]), 10, CancellationToken.None);

        Assert.That(down.Up, Is.False);
        Assert.That(down.StatusCode, Is.EqualTo(302));
        Assert.That(down.Error, Is.EqualTo("HTTP 302 is not in 200-299"));
        Assert.That(up.Up, Is.True);
    }

    [Test]
    public async Task The_target_sees_the_configured_method_headers_and_body()
    {
        var probe = Guid.NewGuid().ToString();
        var headers = new Dictionary<string, string> { ["X-Probe"] = probe, ["Content-Type"] = "application/json" };

        var outcome = await check.RunAsync(
            Spec(target.Url("/echo"), method: "PUT", headers: headers, body: """{"ping":true}"""), 10, CancellationToken.None);

        Assert.That(outcome.Up, Is.True);
        var seen = target.Seen.Single(s => s.Probe == probe);
        Assert.That(seen.Method, Is.EqualTo("PUT"));
        Assert.That(seen.ContentType, Does.StartWith("application/json"));
        Assert.That(seen.Body, Is.EqualTo("""{"ping":true}"""));
    }

    [TestCase("503", true)]
    [TestCase("500-599", true)]
    [TestCase("200-299", false)]
    public async Task The_expected_status_decides_what_is_up(string expected, bool up)
    {
        var outcome = await check.RunAsync(Spec(target.Url("/status/503"), expected: [expected]), 10, CancellationToken.None);

        Assert.That(outcome.Up, Is.EqualTo(up));
        Assert.That(outcome.StatusCode, Is.EqualTo(503));
    }

    [Test]
    public async Task A_closed_port_is_down_as_connection_refused()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var outcome = await check.RunAsync(Spec(new Uri($"http://127.0.0.1:{port}/")), 5, CancellationToken.None);

        Assert.That(outcome.Up, Is.False);
        Assert.That(outcome.StatusCode, Is.Null);
        Assert.That(outcome.Error, Is.EqualTo("connection refused"));
    }

    [Test]
    public async Task An_unresolvable_host_is_down_as_a_failed_dns_lookup()
    {
        var outcome = await check.RunAsync(Spec(new Uri("http://sentinel-no-such-host.invalid/")), 10, CancellationToken.None);

        Assert.That(outcome.Up, Is.False);
        Assert.That(outcome.Error, Does.StartWith("DNS lookup failed: "));
    }

    [Test]
    public async Task A_malformed_url_or_method_is_down_with_a_reason_and_sends_nothing()
    {
        var badUrl = await check.RunAsync(Spec(target.Url("/ok")) with { Url = "not a url" }, 10, CancellationToken.None);
        var badMethod = await check.RunAsync(Spec(target.Url("/ok"), method: "GE T"), 10, CancellationToken.None);

        Assert.That(badUrl.Error, Is.EqualTo("invalid URL 'not a url'"));
        Assert.That(badMethod.Error, Is.EqualTo("invalid HTTP method 'GE T'"));
    }
}
