using System.Net;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Sentinel.Contracts;
using Sentinel.Gateway.Monitors;
using Sentinel.Gateway.StatusPages;
using Sentinel.Gateway.Tenants;
using Sentinel.Testing;
using static Sentinel.Gateway.Tests.GatewayFixture;

namespace Sentinel.Gateway.Tests.StatusPages;

/// The status page in a real browser: headless Chromium (Debian's `chromium` and `chromium-driver`, which the test
/// command installs) against a Gateway listening on a real loopback port, with Telemetry-Ingest and Alert-Evaluation
/// stubbed. Missing Chromium fails these tests; it never skips them. With SENTINEL_SCREENSHOT=path set, the loaded
/// page is also saved as a PNG there (docs/status-page.png is made that way).
[NonParallelizable]
public sealed class StatusPageBrowserTests
{
    const string ChromiumPath = "/usr/bin/chromium";
    const string ChromeDriverDirectory = "/usr/bin";

    FakeOwners owners = null!;
    WebApplicationFactory<Program> gateway = null!;
    string baseUrl = "";
    HttpClient api = null!;
    ChromeDriver browser = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Assert.That(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: apt-get install chromium chromium-driver (./sentinel test does)");
        Assert.That(File.Exists(Path.Combine(ChromeDriverDirectory, "chromedriver")), "chromedriver is missing: apt-get install chromium-driver");

        owners = await FakeOwners.StartAsync();
        var port = FreePort();
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Postgres", Db.ConnectionString);
            b.UseSetting("RabbitMq:VirtualHost", VirtualHost.Name);
            b.UseSetting("Outbox:PollMilliseconds", "3600000");
            b.UseSetting("Outbox:Listen", "false"); // the tests read the rows the relay would publish and delete
            b.UseSetting("Services:TelemetryIngest", owners.Url);
            b.UseSetting("Services:AlertEvaluation", owners.Url);
            b.UseSetting("Services:Delivery", owners.Url);
            b.UseSetting("Urls", $"http://127.0.0.1:{port}"); // the service's appsettings.json would bind :5080
        });
        factory.UseKestrel();
        factory.StartServer();
        gateway = factory;
        baseUrl = $"http://127.0.0.1:{port}";
        api = new HttpClient { BaseAddress = new Uri(baseUrl) };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", BootstrapSecret);
        await Poll.UntilAsync(() => api.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), "the Kestrel-hosted Gateway to be ready");

        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1100,880",
            "--hide-scrollbars");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        var service = ChromeDriverService.CreateDefaultService(ChromeDriverDirectory, "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        browser = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        browser?.Quit();
        browser?.Dispose();
        api?.Dispose();
        if (gateway is not null)
            await gateway.DisposeAsync();
        if (owners is not null)
            await owners.DisposeAsync();
    }

    static int FreePort() => FreePorts.Next();

    async Task<MonitorResponse> MonitorAsync(string name, string status)
    {
        var monitor = await Monitors.MonitorEndpointsTests.CreateAsync(api, new { name, type = "http", url = "https://example.com/" + name.Length });
        await Db.ExecuteAsync($"update gateway.monitors set status = '{status}' where id = '{monitor.Id}'");
        return monitor;
    }

    async Task<(StatusPageResponse Page, MonitorResponse Api, MonitorResponse Checkout, MonitorResponse Website)> PageAsync()
    {
        var apiMonitor = await MonitorAsync("Public API", "up");
        var checkout = await MonitorAsync("Checkout", "down");
        var website = await MonitorAsync("Website", "up");
        var page = await StatusPageEndpointsTests.CreateAsync(api, new
        {
            slug = StatusPageEndpointsTests.UniqueSlug("acme"), title = "Acme Cloud", description = "Live status of Acme's public services",
            groups = new[]
            {
                new { name = "APIs", monitorIds = new[] { apiMonitor.Id, checkout.Id } },
                new { name = "Web", monitorIds = new[] { website.Id } },
            },
        });
        owners.OpenIncidents.Clear();
        owners.OpenIncidents.Add(new
        {
            id = Guid.CreateVersion7(), monitorId = checkout.Id, monitorName = checkout.Name, status = "open",
            error = "HTTP 503 Service Unavailable", firstFailureAt = DateTimeOffset.UtcNow.AddMinutes(-12),
            openedAt = DateTimeOffset.UtcNow.AddMinutes(-12), resolvedAt = (DateTimeOffset?)null, durationSeconds = (long?)null,
        });
        return (page, apiMonitor, checkout, website);
    }

    IWebElement MonitorRow(string name) =>
        browser.FindElements(By.CssSelector(".monitor")).Single(m => m.FindElement(By.CssSelector(".name")).Text == name);

    [Test]
    public async Task The_page_renders_monitors_uptime_bars_states_and_incidents_without_console_errors()
    {
        owners.BadDays.Clear();
        owners.BadDays[3] = 97.2;
        owners.BadDays[17] = 99.5;
        owners.BadDays[40] = 88.0;
        var (page, _, _, _) = await PageAsync();

        browser.Navigate().GoToUrl(baseUrl + page.Url);

        Assert.Multiple(() =>
        {
            Assert.That(browser.Title, Is.EqualTo("Acme Cloud status"));
            Assert.That(browser.FindElement(By.Id("title")).Text, Is.EqualTo("Acme Cloud"));
            Assert.That(browser.FindElements(By.CssSelector("section.group h2")).Select(h => h.Text), Is.EqualTo(new[] { "APIs", "Web" }));
            Assert.That(browser.FindElements(By.CssSelector(".monitor .name")).Select(n => n.Text),
                Is.EqualTo(new[] { "Public API", "Checkout", "Website" }));
            foreach (var row in browser.FindElements(By.CssSelector(".monitor")))
                Assert.That(row.FindElements(By.CssSelector(".bars .bar")), Has.Count.EqualTo(90));
            Assert.That(MonitorRow("Checkout").FindElement(By.CssSelector(".state")).Text, Is.EqualTo("Down"));
            Assert.That(MonitorRow("Website").FindElement(By.CssSelector(".state")).Text, Is.EqualTo("Operational"));
            Assert.That(browser.FindElements(By.CssSelector(".bar-major")), Has.Count.EqualTo(3), "the 88% day, once per monitor");
            Assert.That(browser.FindElement(By.Id("overall")).Text, Is.EqualTo("Partial outage"));
            Assert.That(browser.FindElement(By.CssSelector("#incidents .incident")).Text, Does.Contain("Checkout").And.Contain("HTTP 503"));
            Assert.That(browser.FindElement(By.Id("updated")).Text, Does.EndWith("UTC"));
        });

        var bar = MonitorRow("Website").FindElements(By.CssSelector(".bar"))[^4];
        Assert.That(bar.GetAttribute("title"), Does.Contain("97.2% uptime"));
        var severe = browser.Manage().Logs.GetLog(LogType.Browser).Where(l => l.Level == LogLevel.Severe).Select(l => l.Message).ToList();
        Assert.That(severe, Is.Empty, "console errors (a CSP violation of the inline script would show here)");

        if (Environment.GetEnvironmentVariable("SENTINEL_SCREENSHOT") is { Length: > 0 } path)
        {
            // The whole page, no more: the window grows to the document's height plus the browser's own frame.
            var height = Convert.ToInt32(browser.ExecuteScript(
                "return document.documentElement.scrollHeight + window.outerHeight - window.innerHeight"));
            browser.Manage().Window.Size = new System.Drawing.Size(1100, height);
            browser.GetScreenshot().SaveAsFile(path);
        }
    }

    [Test]
    public async Task A_status_change_published_on_the_broker_updates_the_open_page_live()
    {
        var (page, apiMonitor, _, _) = await PageAsync();
        browser.Navigate().GoToUrl(baseUrl + page.Url);
        Assert.That(MonitorRow("Public API").FindElement(By.CssSelector(".state")).Text, Is.EqualTo("Operational"));
        var bus = gateway.Services.GetRequiredService<IBus>();

        // Until the page's EventSource has connected a change could pass unseen, so it is re-published while waiting.
        var text = await Poll.UntilAsync(async () =>
        {
            await bus.Publish(new MonitorStatusChanged(apiMonitor.Id, BootstrapApiKey.DefaultTenantId, "down", "up", null, "timeout", DateTimeOffset.UtcNow));
            await Task.Delay(200);
            return MonitorRow("Public API").FindElement(By.CssSelector(".state")).Text;
        }, t => t == "Down", TimeSpan.FromSeconds(30), "the page to show the monitor down");

        Assert.That(text, Is.EqualTo("Down"));
        Assert.That(MonitorRow("Public API").FindElement(By.CssSelector(".state")).GetAttribute("class"), Does.Contain("state-down"));
        var severe = browser.Manage().Logs.GetLog(LogType.Browser).Where(l => l.Level == LogLevel.Severe).Select(l => l.Message).ToList();
        Assert.That(severe, Is.Empty);
    }
}
