using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.RateLimits;

/// Pages without a key share one bucket per source address ("public-pages"); here 2 a minute.
public sealed class PublicPagesRateLimitTests
{
    WebApplicationFactory<Program> limited = null!;

    [OneTimeSetUp]
    public void StartALimitedGateway() =>
        limited = Factory.WithWebHostBuilder(b => b.UseSetting("RateLimits:PublicPagesPerMinute", "2"));

    [OneTimeTearDown]
    public async Task StopIt() => await limited.DisposeAsync();

    [Test]
    public async Task Public_pages_over_the_limit_get_a_429_problem_with_Retry_After_and_the_API_is_not_affected()
    {
        using var anonymous = Client(limited, null);
        var pages = new[] { "/status/no-such-page", $"/badge/{Guid.NewGuid():N}/status.svg" };
        foreach (var page in pages)
            Assert.That((await anonymous.GetAsync(page)).StatusCode, Is.Not.EqualTo(HttpStatusCode.TooManyRequests), page);

        foreach (var page in pages)
        {
            var rejected = await anonymous.GetAsync(page);
            await Expect.ProblemAsync(rejected, HttpStatusCode.TooManyRequests, "https://sentinel.dev/problems/rate-limited");
            // 2 a minute refill one token every 30 seconds.
            Assert.That(int.Parse(rejected.Headers.GetValues("Retry-After").Single()), Is.InRange(1, 30), page);
        }

        using var api = Client(limited, BootstrapSecret);
        Assert.That((await api.GetAsync("/api/v1/monitors")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
