using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.RateLimits;

/// A Gateway with a limit of 3 requests a minute per key: the 4th is a 429 problem with Retry-After, and another
/// key's bucket is untouched.
public sealed class ApiKeyRateLimitTests
{
    WebApplicationFactory<Program> limited = null!;

    [OneTimeSetUp]
    public void StartALimitedGateway() =>
        limited = Factory.WithWebHostBuilder(b => b.UseSetting("RateLimits:ApiKeyPerMinute", "3"));

    [OneTimeTearDown]
    public async Task StopIt() => await limited.DisposeAsync();

    [Test]
    public async Task A_key_over_its_limit_gets_a_429_problem_with_Retry_After_and_another_key_does_not()
    {
        using var first = Client(limited, BootstrapSecret);
        for (var i = 0; i < 3; i++)
            Assert.That((await first.GetAsync("/api/v1/monitors")).StatusCode, Is.EqualTo(HttpStatusCode.OK), $"request {i + 1}");

        var rejected = await first.GetAsync("/api/v1/monitors");

        var problem = await Expect.ProblemAsync(rejected, HttpStatusCode.TooManyRequests, "https://sentinel.dev/problems/rate-limited");
        var retryAfter = int.Parse(rejected.Headers.GetValues("Retry-After").Single());
        // 3 a minute refill one token every 20 seconds.
        Assert.That(retryAfter, Is.InRange(1, 20));
        Assert.That(problem.GetProperty("retryAfterSeconds").GetInt32(), Is.EqualTo(retryAfter));

        using var second = Client(limited, OtherTenantSecret);
        Assert.That((await second.GetAsync("/api/v1/monitors")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_request_without_a_key_is_401_not_429()
    {
        using var anonymous = Client(limited, null);
        for (var i = 0; i < 5; i++)
            await Expect.ProblemAsync(await anonymous.GetAsync("/api/v1/monitors"), HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Health_and_the_OpenAPI_document_are_not_limited()
    {
        using var anonymous = Client(limited, null);
        for (var i = 0; i < 6; i++)
            Assert.That((await anonymous.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
