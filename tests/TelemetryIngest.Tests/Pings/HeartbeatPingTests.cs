using System.Net;
using System.Net.Http.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Sentinel.Contracts;
using Sentinel.TelemetryIngest.Pings;
using Sentinel.Testing;
using static Sentinel.TelemetryIngest.Tests.TelemetryEnvironment;

namespace Sentinel.TelemetryIngest.Tests.Pings;

public sealed class HeartbeatPingTests
{
    static readonly DateTimeOffset Start = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
    static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    static HeartbeatPing Ping(Guid tenant, Guid monitor, int second, string kind = HeartbeatPingKinds.Success, string? body = null) =>
        new(Guid.NewGuid(), monitor, tenant, kind, Start.AddSeconds(second), "POST", "10.0.0.7", "curl/8.5", body, false);

    static Task PublishAsync(params IReadOnlyList<HeartbeatPing>[] batches) =>
        Task.WhenAll(batches.Select(b => Service.Services.GetRequiredService<IBus>().Publish(HeartbeatsPacked.Pack(Guid.NewGuid(), b))));

    static Task<long> StoredAsync(Guid monitor) =>
        Database.CountAsync($"select count(*) from telemetry.heartbeat_pings where monitor_id = '{monitor}'");

    static async Task<PingsPage> PageAsync(Guid tenant, Guid monitor, string query = "")
    {
        var response = await Client.GetAsync($"/internal/tenants/{tenant}/monitors/{monitor}/pings{query}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<PingsPage>())!;
    }

    [Test]
    public async Task Pings_are_stored_with_their_bodies_and_flags_and_listed_newest_first()
    {
        var (tenant, monitor) = (Guid.NewGuid(), Guid.NewGuid());
        var runId = Guid.NewGuid();
        var start = Ping(tenant, monitor, 0, HeartbeatPingKinds.Start) with { RunId = runId, Method = "GET", Body = null };
        var fail = Ping(tenant, monitor, 5, HeartbeatPingKinds.Fail, new string('x', 100)) with
        {
            BodyTruncated = true, ExitStatus = 3, RunId = runId, SourceIp = "2001:db8::1", UserAgent = "backup.sh",
        };
        var kuma = Ping(tenant, monitor, 9, body: "nul\0byte") with { Message = "all good", ReportedLatencyMs = 12.5, SourceIp = null, UserAgent = null };
        await PublishAsync([start, fail], [kuma]);

        await Poll.UntilAsync(() => StoredAsync(monitor), n => n >= 3, Wait, "three stored pings");
        var page = await PageAsync(tenant, monitor);

        Assert.That(page.Items.Select(p => p.PingId), Is.EqualTo(new[] { kuma.PingId, fail.PingId, start.PingId }));
        Assert.That(page.NextCursor, Is.Null);
        Assert.That(page.Items[1], Is.EqualTo(new PingItem(fail.PingId, "fail", fail.ReceivedAt, "POST", "2001:db8::1", "backup.sh",
            fail.Body, true, 3, runId, null, null)));
        Assert.That(page.Items[0].Body, Is.EqualTo("nul\uFFFDbyte"), "a NUL cannot be stored in text; it is replaced, not rejected");
        Assert.That(page.Items[0], Has.Property(nameof(PingItem.Message)).EqualTo("all good")
            .And.Property(nameof(PingItem.ReportedLatencyMs)).EqualTo(12.5)
            .And.Property(nameof(PingItem.SourceIp)).Null);
        Assert.That(page.Items[2], Has.Property(nameof(PingItem.Kind)).EqualTo("start").And.Property(nameof(PingItem.Method)).EqualTo("GET"));
        Assert.That((await PageAsync(Guid.NewGuid(), monitor)).Items, Is.Empty, "another tenant sees none of them");
    }

    [Test]
    public async Task A_redelivered_batch_and_a_ping_repeated_in_another_batch_are_stored_once()
    {
        var (tenant, monitor) = (Guid.NewGuid(), Guid.NewGuid());
        var pings = Enumerable.Range(0, 20).Select(i => Ping(tenant, monitor, i)).ToList();
        var batch = HeartbeatsPacked.Pack(Guid.NewGuid(), pings);
        var bus = Service.Services.GetRequiredService<IBus>();
        await bus.Publish(batch);
        await bus.Publish(batch);
        // The older producers' shape on the same queue: the repeated ping is still stored once.
        await bus.Publish(new HeartbeatsReceived(Guid.NewGuid(), [pings[3], Ping(tenant, monitor, 30)]));

        await Poll.UntilAsync(() => StoredAsync(monitor), n => n >= 21, Wait, "21 stored pings");
        await Task.Delay(500);
        Assert.That(await StoredAsync(monitor), Is.EqualTo(21));
    }

    [Test]
    public async Task The_writer_copies_new_pings_and_stores_only_the_new_ones_of_a_batch_with_stored_or_repeated_pings()
    {
        var (tenant, monitor) = (Guid.NewGuid(), Guid.NewGuid());
        var first = Enumerable.Range(0, 10).Select(i => Ping(tenant, monitor, i)).ToList();
        var fresh = Enumerable.Range(10, 5).Select(i => Ping(tenant, monitor, i)).ToList();
        var repeated = Ping(tenant, monitor, 20);
        await using var scope = Service.Services.CreateAsyncScope();
        var writer = scope.ServiceProvider.GetRequiredService<HeartbeatPingWriter>();

        Assert.That(await writer.WriteAsync(first, CancellationToken.None), Is.EqualTo(10));
        Assert.That(await writer.WriteAsync([.. first.Take(3), .. fresh], CancellationToken.None), Is.EqualTo(5),
            "three were stored before: the COPY fails on them and the batch goes again without them");
        Assert.That(await writer.WriteAsync([repeated, repeated], CancellationToken.None), Is.EqualTo(1));
        Assert.That(await writer.WriteAsync(first, CancellationToken.None), Is.EqualTo(0));
        Assert.That(await StoredAsync(monitor), Is.EqualTo(16));
        Assert.That((await PageAsync(tenant, monitor, "?limit=100")).Items.Select(p => p.PingId),
            Is.EquivalentTo(first.Concat(fresh).Append(repeated).Select(p => p.PingId)));
    }

    [Test]
    public async Task The_cursor_pages_through_every_ping_exactly_once_newest_first()
    {
        var (tenant, monitor) = (Guid.NewGuid(), Guid.NewGuid());
        // Two pings per second, so some page ends between two pings received at the same instant.
        var pings = Enumerable.Range(0, 120).Select(i => Ping(tenant, monitor, i / 2)).ToList();
        await using (var scope = Service.Services.CreateAsyncScope())
            Assert.That(await scope.ServiceProvider.GetRequiredService<HeartbeatPingWriter>().WriteAsync(pings, CancellationToken.None), Is.EqualTo(120));

        var seen = new List<PingItem>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await PageAsync(tenant, monitor, "?limit=25" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
        } while (cursor is not null && pages < 20);

        Assert.That(pages, Is.EqualTo(5));
        Assert.That(seen.Select(p => p.PingId), Is.Unique.And.EquivalentTo(pings.Select(p => p.PingId)));
        Assert.That(seen.Select(p => p.ReceivedAt), Is.Ordered.Descending);
    }

    [TestCase("?limit=0")]
    [TestCase("?limit=501")]
    [TestCase("?cursor=not-a-cursor")]
    public async Task A_bad_limit_or_cursor_is_a_validation_problem(string query)
    {
        var response = await Client.GetAsync($"/internal/tenants/{Guid.NewGuid()}/monitors/{Guid.NewGuid()}/pings{query}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task A_batch_of_5000_pings_is_stored_exactly_once_even_when_delivered_twice()
    {
        var tenant = Guid.NewGuid();
        var monitors = Enumerable.Range(0, 50).Select(_ => Guid.NewGuid()).ToArray();
        var pings = Enumerable.Range(0, 5000).Select(i => Ping(tenant, monitors[i % 50], i / 50)).ToList();
        // As the Gateway sends them: many messages of a few dozen pings; half of the messages arrive twice.
        var messages = pings.Chunk(40).Select(c => HeartbeatsPacked.Pack(Guid.NewGuid(), c)).ToList();
        var bus = Service.Services.GetRequiredService<IBus>();
        await Task.WhenAll(messages.Concat(messages.Where((_, i) => i % 2 == 0)).Select(m => bus.Publish(m)));

        Task<long> Stored() => Database.CountAsync($"select count(*) from telemetry.heartbeat_pings where tenant_id = '{tenant}'");
        await Poll.UntilAsync(Stored, n => n >= 5000, Wait, "5,000 stored pings");
        await Task.Delay(1000);
        Assert.That(await Stored(), Is.EqualTo(5000));
    }

    [Test]
    public async Task Pings_older_than_the_retention_are_deleted_and_newer_ones_kept()
    {
        await using var own = await OwnDatabase.CreateAsync("telemetry_ping_retention");
        var now = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        var (tenant, monitor) = (Guid.NewGuid(), Guid.NewGuid());
        await using (var db = own.NewDb())
            await new HeartbeatPingWriter(db).WriteAsync(
            [
                Ping(tenant, monitor, 0) with { ReceivedAt = now.AddDays(-10).AddSeconds(-1) },
                Ping(tenant, monitor, 0) with { ReceivedAt = now.AddDays(-10).AddSeconds(1) },
                Ping(tenant, monitor, 0) with { ReceivedAt = now.AddMinutes(-1) },
            ], CancellationToken.None);

        await using (var db = own.NewDb())
        {
            var options = Microsoft.Extensions.Options.Options.Create(new TelemetryOptions { PingRetentionDays = 10 });
            var deleted = await new PingRetention(db, OwnDatabase.Clock(now), options, NullLogger<PingRetention>.Instance)
                .DeleteExpiredAsync(CancellationToken.None);
            Assert.That(deleted, Is.EqualTo(1));
        }
        Assert.That(await own.Database.CountAsync("select count(*) from telemetry.heartbeat_pings"), Is.EqualTo(2));
    }
}
