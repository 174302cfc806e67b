using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Sentinel.Testing;

namespace Sentinel.EndToEnd.Tests;

/// Checks from several locations, through the real services: three more Checker processes, at loc-a, loc-b and
/// loc-c, against loopback targets that fail for some locations only (the target reads the location from the
/// Checker's User-Agent). loc-a's Checker has a canary: a loopback port this fixture opens and closes.
/// The tests run in order on the same system: each leaves the state the next one starts from.
[TestFixture]
[NonParallelizable]
public sealed class LocationTests
{
    static readonly string[] Locations = ["loc-a", "loc-b", "loc-c"];
    // A 3 s timeout, not 1 s: on a loaded two-core box a loopback check can take over a second, and a timed-out
    // check is a down result — the test is about quorum, not about how fast a busy machine answers.
    const int IntervalSeconds = 3;

    LoopbackServer server = null!;
    // Closed and reopened by a test (that is the point), disposed in OneTimeTearDown; the analyzer wants a [TearDown].
#pragma warning disable NUnit1032
    TcpListener canary = null!;
#pragma warning restore NUnit1032
    int canaryPort;
    readonly Dictionary<string, ServiceProcess> checkers = [];
    Guid channelId;
    readonly Dictionary<string, Guid> monitors = [];

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        server = await LoopbackServer.StartAsync();
        canaryPort = SentinelSystem.FreePort();
        canary = OpenCanary(canaryPort);
        foreach (var location in Locations)
        {
            var environment = new Dictionary<string, string>(SentinelSystem.Environment) { ["Checker__Location"] = location };
            if (location == "loc-a")
                environment["Checker__Canaries__0"] = $"tcp://127.0.0.1:{canaryPort}";
            checkers[location] = new ServiceProcess("Checker", SentinelSystem.FreePort(), environment, SentinelSystem.LogPath($"Checker-{location}"));
        }
        await Task.WhenAll(checkers.Values.Select(c => c.StartAsync()));
        var channel = await PostAsync("channels", new { name = "locations hook", type = "webhook", settings = new { url = server.WebhookUrl("loc") } });
        channelId = channel.GetProperty("id").GetGuid();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await Task.WhenAll(checkers.Values.Select(c => c.StopAsync()));
        canary.Dispose();
        await server.DisposeAsync();
    }

    [Test, Order(1)]
    public async Task Quorum_two_of_three_opens_an_incident_only_when_two_or_all_locations_fail()
    {
        server.FailAt("one", "loc-a");
        server.FailAt("two", "loc-a", "loc-b");
        server.FailAt("all", "loc-a", "loc-b", "loc-c");
        foreach (var name in new[] { "one", "two", "all" })
            monitors[name] = await CreateMonitorAsync(name, Locations, quorum: 2);

        await WaitForStatusAsync(monitors["two"], "down");
        await WaitForStatusAsync(monitors["all"], "down");
        // Three whole rounds of "one": loc-a down every time, yet the monitor is up (1 of 3 < quorum 2).
        var rounds = await WaitForRoundsAsync(monitors["one"], "up", 3);
        foreach (var round in rounds)
        {
            Assert.That(Result(round, "loc-a"), Is.EqualTo("down"));
            Assert.That(Result(round, "loc-b"), Is.EqualTo("up"));
            Assert.That(Result(round, "loc-c"), Is.EqualTo("up"));
        }
        Assert.That(await StatusAsync(monitors["one"]), Is.EqualTo("up"));
        Assert.That(await IncidentsAsync(monitors["one"]), Is.Empty, "no incident for one location of three");

        var two = (await WaitForRoundsAsync(monitors["two"], "down", 1))[0];
        Assert.That(Result(two, "loc-a"), Is.EqualTo("down"));
        Assert.That(Result(two, "loc-b"), Is.EqualTo("down"));
        Assert.That(two.GetProperty("quorum").GetInt32(), Is.EqualTo(2));
        Assert.That(await IncidentsAsync(monitors["two"]), Has.Count.EqualTo(1));
        Assert.That(await IncidentsAsync(monitors["all"]), Has.Count.EqualTo(1));

        await Poll.UntilAsync(() => Task.FromResult(DownNotifications()), d => d.Count >= 2, TimeSpan.FromSeconds(30), "two down notifications");
        Assert.That(DownNotifications(), Is.EquivalentTo(new[] { monitors["two"], monitors["all"] }), "one down notification each, none for 'one'");
    }

    [Test, Order(2)]
    public async Task A_checker_whose_canary_is_unreachable_reports_unknown_and_no_monitor_alert_fires()
    {
        canary.Dispose(); // loc-a's only canary: its Checker can no longer trust its own checks
        await WaitForLocationAsync("loc-a", "unknown");

        // Fails at loc-a, its only location: were the results taken at face value, it would go down at once.
        server.FailAt("solo", "loc-a");
        monitors["solo"] = await CreateMonitorAsync("solo", ["loc-a"], quorum: 1);
        var rounds = await WaitForRoundsAsync(monitors["solo"], "unknown", 3);
        foreach (var round in rounds)
        {
            Assert.That(Result(round, "loc-a"), Is.EqualTo("unknown"));
            var error = round.GetProperty("locations")[0].GetProperty("error").GetString();
            Assert.That(error, Does.Contain("canar").And.Contain(canaryPort.ToString()));
        }
        Assert.That(await StatusAsync(monitors["solo"]), Is.EqualTo("new"), "unknown results never flip a monitor");
        Assert.That(await IncidentsAsync(monitors["solo"]), Is.Empty);
        // "two" (loc-a, loc-b failing): loc-a unknown, loc-b down — undecided, so still down; nothing resolved.
        Assert.That(await StatusAsync(monitors["two"]), Is.EqualTo("down"));
        Assert.That(server.Received("loc", "up"), Is.Empty, "no recovery notification");
        Assert.That(DownNotifications(), Has.Count.EqualTo(2), "no further down notification");

        // Exactly one operational alert names the location, however many monitors use it.
        await Poll.UntilAsync(() => Task.FromResult(LocationAlerts("location-unknown", "loc-a")), a => a.Count > 0,
            TimeSpan.FromSeconds(20), "the location-unknown alert for loc-a");
        await Task.Delay(TimeSpan.FromSeconds(IntervalSeconds * 2));
        Assert.That(LocationAlerts("location-unknown", "loc-a"), Has.Count.EqualTo(1));

        canary = OpenCanary(canaryPort);
        await WaitForLocationAsync("loc-a", "ok");
        await Poll.UntilAsync(() => Task.FromResult(LocationAlerts("location-recovered", "loc-a")), a => a.Count > 0,
            TimeSpan.FromSeconds(20), "the location-recovered notification for loc-a");
        // Trusted again: the same failing target now takes the monitor down.
        await WaitForStatusAsync(monitors["solo"], "down");
        Assert.That(LocationAlerts("location-unknown", "loc-a"), Has.Count.EqualTo(1));
        Assert.That(LocationAlerts("location-recovered", "loc-a"), Has.Count.EqualTo(1));
    }

    [Test, Order(3)]
    public async Task A_stopped_location_gives_incomplete_rounds_never_up()
    {
        await checkers["loc-c"].StopAsync();

        // Healthy everywhere: with all three locations it would be up after its first round.
        monitors["fresh"] = await CreateMonitorAsync("fresh", Locations, quorum: 2);
        var rounds = await WaitForRoundsAsync(monitors["fresh"], "incomplete", 3);
        foreach (var round in rounds)
        {
            Assert.That(Result(round, "loc-a"), Is.EqualTo("up"));
            Assert.That(Result(round, "loc-b"), Is.EqualTo("up"));
            Assert.That(Result(round, "loc-c"), Is.EqualTo("missing"));
            Assert.That(round.GetProperty("detail").GetString(), Does.Contain("loc-c"));
        }
        Assert.That(await StatusAsync(monitors["fresh"]), Is.EqualTo("new"), "an incomplete round never makes a monitor up");
        // Two locations down still make the quorum without loc-c.
        Assert.That(await StatusAsync(monitors["all"]), Is.EqualTo("down"));

        await WaitForLocationAsync("loc-c", "offline");
        await Poll.UntilAsync(() => Task.FromResult(LocationAlerts("location-unknown", "loc-c")), a => a.Count > 0,
            TimeSpan.FromSeconds(20), "the location alert for loc-c");
    }

    static TcpListener OpenCanary(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        return listener;
    }

    async Task<Guid> CreateMonitorAsync(string name, string[] locations, int quorum)
    {
        var monitor = await PostAsync("monitors", new
        {
            name = $"locations {name}",
            type = "http",
            url = server.TargetUrl(name),
            intervalSeconds = IntervalSeconds,
            timeoutSeconds = IntervalSeconds,
            failureThreshold = 2,
            channelIds = new[] { channelId },
            locations,
            quorum,
        });
        Assert.That(monitor.GetProperty("locations").EnumerateArray().Select(l => l.GetString()), Is.EqualTo(locations));
        Assert.That(monitor.GetProperty("quorum").GetInt32(), Is.EqualTo(quorum));
        return monitor.GetProperty("id").GetGuid();
    }

    List<Guid> DownNotifications() =>
        server.Received("loc", "down").Select(n => n.GetProperty("monitor").GetProperty("id").GetGuid()).ToList();

    List<JsonElement> LocationAlerts(string @event, string location) =>
        server.Received("loc", @event).Where(n => n.GetProperty("monitor").GetProperty("name").GetString() == $"location {location}").ToList();

    static string? Result(JsonElement round, string location) =>
        round.GetProperty("locations").EnumerateArray().Single(l => l.GetProperty("location").GetString() == location)
            .GetProperty("result").GetString();

    /// Waits for `count` closed rounds in a row (newest first) with the given status.
    static async Task<List<JsonElement>> WaitForRoundsAsync(Guid monitorId, string status, int count)
    {
        var rounds = await Poll.UntilAsync(
            async () => (await SentinelSystem.Gateway.GetFromJsonAsync<JsonElement>($"monitors/{monitorId}/rounds?limit=20"))
                .GetProperty("items").EnumerateArray().Where(r => r.GetProperty("status").GetString() != "open").ToList(),
            r => r.Count >= count && r.Take(count).All(x => x.GetProperty("status").GetString() == status),
            TimeSpan.FromSeconds(60),
            $"{count} rounds '{status}' of monitor {monitorId}");
        return rounds.Take(count).ToList();
    }

    static Task WaitForLocationAsync(string location, string status) =>
        Poll.UntilAsync(
            async () => (await SentinelSystem.Gateway.GetFromJsonAsync<JsonElement>("locations"))
                .GetProperty("items").EnumerateArray()
                .Where(l => l.GetProperty("name").GetString() == location)
                .Select(l => l.GetProperty("status").GetString()).FirstOrDefault(),
            s => s == status,
            TimeSpan.FromSeconds(30),
            $"location {location} to be {status}");

    static async Task<string?> StatusAsync(Guid monitorId) =>
        (await SentinelSystem.Gateway.GetFromJsonAsync<JsonElement>($"monitors/{monitorId}")).GetProperty("status").GetString();

    static async Task<List<JsonElement>> IncidentsAsync(Guid monitorId) =>
        (await SentinelSystem.Gateway.GetFromJsonAsync<JsonElement>($"incidents?monitorId={monitorId}"))
            .GetProperty("items").EnumerateArray().ToList();

    static Task WaitForStatusAsync(Guid monitorId, string status) =>
        Poll.UntilAsync(() => StatusAsync(monitorId), s => s == status, TimeSpan.FromSeconds(60), $"monitor {monitorId} to be {status}");

    static async Task<JsonElement> PostAsync(string path, object body)
    {
        var response = await SentinelSystem.Gateway.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);
        return JsonSerializer.Deserialize<JsonElement>(text);
    }
}
