using Microsoft.Extensions.DependencyInjection;
using Sentinel.Checker.Checks;
using Sentinel.Checker.Checks.Http;
using Sentinel.Conditions;
using Sentinel.Contracts;

namespace Sentinel.Checker.Tests.Checks.Http;

/// Auth, keyword, size cap and conditions of HTTP checks, over plain HTTP and HTTPS with an in-test certificate.
public sealed class HttpCheckOptionsTests
{
    TargetServer target = null!;
    TargetServer https = null!;
    ServiceProvider services = null!;
    HttpCheck check = null!;
    CheckRunner runner = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        target = await TargetServer.StartAsync();
        https = await TargetServer.StartAsync(Certificates.SelfSigned("localhost", DateTimeOffset.UtcNow.AddDays(20)));
        services = CheckServices.Create();
        check = services.GetRequiredService<HttpCheck>();
        runner = services.GetRequiredService<CheckRunner>();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await target.DisposeAsync();
        await https.DisposeAsync();
        await services.DisposeAsync();
    }

    static HttpCheckSpec Get(Uri url, bool ignoreTls = false) => new(url.ToString(), "GET", new Dictionary<string, string>(), null, [], true, ignoreTls);

    Task<CheckOutcome> Run(string path, HttpCheckOptions options) =>
        check.RunAsync(Get(target.Url(path)), options, new HashSet<Placeholder>(), 5, CancellationToken.None);

    [Test]
    public async Task Basic_auth_and_bearer_tokens_are_sent_as_authorization_headers()
    {
        var basic = await Run("/auth", new HttpCheckOptions(BasicAuthUsername: "ops", BasicAuthPassword: "s3cret", Keyword: "Basic b3BzOnMzY3JldA=="));
        var bearer = await Run("/auth", new HttpCheckOptions(BearerToken: "tok-123", Keyword: "Bearer tok-123"));

        Assert.That(basic.Up, Is.True, basic.Error);
        Assert.That(bearer.Up, Is.True, bearer.Error);
    }

    [Test]
    public async Task A_keyword_must_be_present_or_with_invert_absent()
    {
        var present = await Run("/text", new HttpCheckOptions(Keyword: "sentinel"));
        var missing = await Run("/text", new HttpCheckOptions(Keyword: "Sentinel"));
        var forbiddenFound = await Run("/text", new HttpCheckOptions(Keyword: "hello", InvertKeyword: true));
        var forbiddenAbsent = await Run("/text", new HttpCheckOptions(Keyword: "error", InvertKeyword: true));

        Assert.That(present.Up, Is.True, present.Error);
        Assert.That(missing.Error, Is.EqualTo("keyword 'Sentinel' not found in the body"));
        Assert.That(forbiddenFound.Error, Is.EqualTo("keyword 'hello' found in the body"));
        Assert.That(forbiddenAbsent.Up, Is.True, forbiddenAbsent.Error);
    }

    [Test]
    public async Task A_body_larger_than_the_cap_is_down()
    {
        var capped = await Run("/big", new HttpCheckOptions(MaxResponseBytes: 10_000));
        var roomy = await Run("/big", new HttpCheckOptions(MaxResponseBytes: 200_000));

        Assert.That(capped.Up, Is.False);
        Assert.That(capped.Error, Is.EqualTo("the response body is larger than 10000 bytes"));
        Assert.That(roomy.Up, Is.True, roomy.Error);
    }

    [Test]
    public async Task Conditions_read_status_json_body_headers_and_ip_and_each_reports_its_actual_value()
    {
        var due = Checks.Due(HttpCheck.Type, Get(target.Url("/json")), new CheckSpec(Conditions:
        [
            "[STATUS] == 200",
            "[BODY].status == UP",
            "[BODY].checks[1].ok == false",
            "len([BODY].checks) == 2",
            "[HEADER].x-version == 1.2.3",
            "[IP] == 127.0.0.1",
            "[RESPONSE_TIME] < 5000",
            "[CONNECTED] == true",
        ]));

        var outcome = await runner.RunAsync(due, CancellationToken.None);

        Assert.That(outcome.Up, Is.True, outcome.Error);
        Assert.That(outcome.Conditions!, Has.Count.EqualTo(8).And.All.Matches<ConditionResult>(c => c.Success));
        Assert.That(outcome.Conditions![1].Actual, Is.EqualTo("UP"));
    }

    [Test]
    public async Task A_failed_condition_makes_a_200_down_and_says_which_and_why()
    {
        var due = Checks.Due(HttpCheck.Type, Get(target.Url("/json")), new CheckSpec(Conditions: ["[STATUS] == 200", "[BODY].checks[0].name == cache"]));

        var outcome = await runner.RunAsync(due, CancellationToken.None);

        Assert.That(outcome.Up, Is.False);
        Assert.That(outcome.StatusCode, Is.EqualTo(200));
        Assert.That(outcome.Error, Is.EqualTo("condition [BODY].checks[0].name == cache failed (actual: db)"));
        Assert.That(outcome.Conditions!.Select(c => c.Success), Is.EqualTo(new[] { true, false }));
    }

    [Test]
    public async Task Https_checks_see_the_certificate_expiration()
    {
        var due = Checks.Due(HttpCheck.Type, Get(https.Url("/ok"), ignoreTls: true),
            new CheckSpec(Conditions: ["[CERTIFICATE_EXPIRATION] > 48h", "[CERTIFICATE_EXPIRATION] > 30d"]));

        var outcome = await runner.RunAsync(due, CancellationToken.None);

        Assert.That(outcome.Conditions!.Select(c => c.Success), Is.EqualTo(new[] { true, false }), outcome.Error);
        Assert.That(double.Parse(outcome.Conditions![0].Actual, System.Globalization.CultureInfo.InvariantCulture),
            Is.EqualTo(TimeSpan.FromDays(20).TotalMilliseconds).Within(TimeSpan.FromMinutes(5).TotalMilliseconds));
    }

    [Test]
    public async Task Https_with_an_untrusted_certificate_is_down_unless_tls_errors_are_ignored()
    {
        var verified = await check.RunAsync(Get(https.Url("/ok")), 5, CancellationToken.None);
        var ignored = await check.RunAsync(Get(https.Url("/ok"), ignoreTls: true), 5, CancellationToken.None);

        Assert.That(verified.Up, Is.False);
        Assert.That(verified.Error, Does.StartWith("TLS handshake failed"));
        Assert.That(ignored.Up, Is.True, ignored.Error);
    }
}
