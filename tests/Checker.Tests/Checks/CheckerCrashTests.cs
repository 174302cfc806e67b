using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MassTransit;
using Microsoft.AspNetCore.Mvc.Testing;
using Sentinel.Checker.Tests.Checks.Http;
using Sentinel.Contracts;
using Sentinel.Testing;

namespace Sentinel.Checker.Tests.Checks;

/// A Checker process killed (SIGKILL) in the middle of a batch loses no check: the unacknowledged batch goes back to
/// the queue and a second Checker runs it. Checks the first one had already published arrive twice, with the same
/// CheckId, which is what makes them harmless downstream.
public sealed class CheckerCrashTests
{
    TestVirtualHost virtualHost = null!;
    TargetServer target = null!;
    UdpClient silent = null!;
    IBusControl testBus = null!;
    readonly ConcurrentQueue<MonitorChecked> results = new();

    [OneTimeSetUp]
    public async Task Start()
    {
        virtualHost = await TestVirtualHost.CreateAsync("checker_crash");
        target = await TargetServer.StartAsync();
        silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        testBus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(TestInfrastructure.RabbitHost, ushort.Parse(TestInfrastructure.RabbitPort), virtualHost.Name, h =>
            {
                h.Username(TestInfrastructure.RabbitUser);
                h.Password(TestInfrastructure.RabbitPassword);
            });
            cfg.ReceiveEndpoint("checker-crash-tests-monitor-checked-packed", e => e.Handler<MonitorCheckedPacked>(context =>
            {
                foreach (var result in context.Message.Unpack())
                    results.Enqueue(result);
                return Task.CompletedTask;
            }));
        });
        await testBus.StartAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await testBus.StopAsync();
        silent.Dispose();
        await target.DisposeAsync();
        await virtualHost.DisposeAsync();
    }

    [Test]
    public async Task A_checker_killed_mid_batch_loses_no_check_and_a_second_checker_finishes_the_batch()
    {
        using var first = StartCheckerProcess();
        try
        {
            var dueAt = DateTimeOffset.UtcNow;
            var fast = Enumerable.Range(0, 3).Select(i => Checks.Due("http",
                new HttpCheckSpec(target.Url("/ok").ToString(), "GET", new Dictionary<string, string>(), null, [], true, false))).ToList();
            // Waits its whole timeout for a reply that never comes: the process dies while this one runs (15 s leaves
            // room for a slow, loaded machine to deliver the fast results first).
            var slow = Checks.Due("udp", check: new CheckSpec(Udp: new UdpCheckSpec(
                "127.0.0.1", ((IPEndPoint)silent.Client.LocalEndPoint!).Port, "anyone?")), timeoutSeconds: 15);
            var batch = new CheckMonitorBatch(Guid.NewGuid(), dueAt, [.. fast, slow]);
            var ids = batch.Checks.Select(c => c.CheckId).ToHashSet();

            // The first Checker's queue must exist before sending: wait for its consumer to be bound.
            await Poll.UntilAsync(() => Task.FromResult(first.HasExited || first.StandardOutputSeen.Contains("Bus started")),
                started => started, TimeSpan.FromSeconds(60), "the Checker process to start its bus");
            Assert.That(first.HasExited, Is.False, first.Output);
            var endpoint = await testBus.GetSendEndpoint(Queues.Address(Queues.CheckMonitorBatch));
            await endpoint.Send(batch);

            await Poll.UntilAsync(() => Task.FromResult(results.Count(r => fast.Any(f => f.CheckId == r.CheckId))),
                n => n == 3, TimeSpan.FromSeconds(60), "the fast checks of the first Checker");
            first.Kill();
            Assert.That(results.Any(r => r.CheckId == slow.CheckId), Is.False, "killed before the slow check finished");

            await using var second = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
                b.UseSetting("RabbitMq:VirtualHost", virtualHost.Name));
            using var client = second.CreateClient(); // starts the host and with it the consumer

            var all = await Poll.UntilAsync(() => Task.FromResult(results.Where(r => ids.Contains(r.CheckId)).ToList()),
                r => r.Any(x => x.CheckId == slow.CheckId) && r.Count >= 7, TimeSpan.FromSeconds(60),
                "the redelivered batch to be run by the second Checker");
            Assert.That(all.Select(r => r.CheckId).Distinct(), Is.EquivalentTo(ids), "every check of the batch has a result");
            Assert.That(all.Single(r => r.CheckId == slow.CheckId).Error, Is.EqualTo("no reply within 15 s"));
            Assert.That(all.Where(r => r.CheckId != slow.CheckId).GroupBy(r => r.CheckId).Select(g => g.Count()),
                Has.All.EqualTo(2), "the fast checks ran twice, under the same CheckId");
        }
        finally
        {
            first.Kill();
        }
    }

    CheckerProcess StartCheckerProcess()
    {
        var start = new ProcessStartInfo("dotnet", "Sentinel.Checker.dll")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Urls"] = "http://127.0.0.1:0";
        start.Environment["RabbitMq__VirtualHost"] = virtualHost.Name;
        start.Environment["Logging__LogLevel__MassTransit"] = "Information";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        return new CheckerProcess(Process.Start(start)!);
    }

    sealed class CheckerProcess : IDisposable
    {
        readonly Process process;
        readonly ConcurrentQueue<string> lines = new();

        public CheckerProcess(Process process)
        {
            this.process = process;
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public bool HasExited => process.HasExited;
        public string StandardOutputSeen => string.Join('\n', lines);
        public string Output => StandardOutputSeen;

        /// SIGKILL: no graceful shutdown, no chance to finish or return the batch.
        public void Kill()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }

        public void Dispose() => process.Dispose();
    }
}
