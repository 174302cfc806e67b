using Sentinel.Checker.Canaries;
using Sentinel.Checker.Checks.Dns;
using Sentinel.Checker.Checks.Http;
using Sentinel.Checker.Checks.Icmp;
using Sentinel.Checker.Checks.Tcp;
using Sentinel.Checker.Checks.Tls;
using Sentinel.Checker.Checks.Udp;
using Sentinel.Checker.Locations;
using Sentinel.Conditions;
using Sentinel.Contracts;

namespace Sentinel.Checker.Checks;

/// Runs one due check of any type, then evaluates the monitor's conditions on what it found. The check is up when
/// the type's own test passed and every condition held; the first failure is the error.
public sealed class CheckRunner(
    HttpCheck http, TcpCheck tcp, UdpCheck udp, IcmpCheck icmp, DnsCheck dns, TlsCheck tls, CheckerIdentity identity, CheckerHealth health)
{
    public async Task<CheckOutcome> RunAsync(DueCheck check, CancellationToken ct)
    {
        var conditions = new List<Condition>();
        foreach (var text in check.Check?.Conditions ?? [])
        {
            // The Gateway validated these; an unparsable one here is old or foreign data, reported, not thrown.
            if (!Condition.TryParse(text, out var condition, out var error))
                return CheckOutcome.Down($"invalid condition '{text}': {error}");
            conditions.Add(condition!);
        }
        var wanted = conditions.SelectMany(c => c.Placeholders).ToHashSet();

        var outcome = await RunTypeAsync(check, wanted, ct);
        if (conditions.Count == 0)
            return outcome;

        var facts = outcome.Facts ?? new CheckFacts(ResponseTimeMs: outcome.LatencyMs);
        var results = conditions.Select(c => c.Evaluate(facts)).Select(r => new ConditionResult(r.Condition, r.Success, r.Actual)).ToList();
        var failed = results.FirstOrDefault(r => !r.Success);
        return outcome with
        {
            Up = outcome.Up && failed is null,
            Error = outcome.Error ?? (failed is null ? null : $"condition {failed.Condition} failed (actual: {failed.Actual})"),
            Conditions = results,
        };
    }

    Task<CheckOutcome> RunTypeAsync(DueCheck check, IReadOnlySet<Placeholder> wanted, CancellationToken ct) => check.Type switch
    {
        HttpCheck.Type when check.Http is { } spec => http.RunAsync(spec, check.Check?.Http, wanted, check.TimeoutSeconds, ct),
        TcpCheck.Type when check.Check?.Tcp is { } spec => tcp.RunAsync(spec, check.TimeoutSeconds, ct),
        UdpCheck.Type when check.Check?.Udp is { } spec => udp.RunAsync(spec, check.TimeoutSeconds, ct),
        IcmpCheck.Type when check.Check?.Icmp is { } spec => icmp.RunAsync(spec, check.TimeoutSeconds, ct),
        DnsCheck.Type when check.Check?.Dns is { } spec => dns.RunAsync(spec, check.TimeoutSeconds, ct),
        TlsCheck.Type when check.Check?.Tls is { } spec => tls.RunAsync(spec, check.TimeoutSeconds, ct),
        HttpCheck.Type or TcpCheck.Type or UdpCheck.Type or IcmpCheck.Type or DnsCheck.Type or TlsCheck.Type =>
            Task.FromResult(CheckOutcome.Down($"{check.Type.ToUpperInvariant()} check without {check.Type.ToUpperInvariant()} settings")),
        // A type this Checker cannot run is a down result the user can see, not a poison message.
        _ => Task.FromResult(CheckOutcome.Down($"check type '{check.Type}' is not supported by this Checker")),
    };

    /// Runs the check with the metrics every path records (start lag, duration, in-flight, outcome) and returns the
    /// result message; the caller decides whether to publish it.
    /// While this Checker's canaries fail, the check is not run (its answer could not be trusted, and a broken network
    /// would hold a slot for the whole timeout): the result is Unknown, with the reason as its error. A check whose
    /// canaries failed while it ran is Unknown too. Every result names the Checker's location and the check's round.
    public async Task<MonitorChecked> RunMeasuredAsync(DueCheck check, TimeProvider clock, CancellationToken ct)
    {
        if (!health.Healthy)
        {
            CheckMetrics.Unknown(check.Type);
            return Unknown(check, clock);
        }
        var result = await RunTrustedAsync(check, clock, ct);
        return health.Healthy ? result : Unknown(check, clock);
    }

    MonitorChecked Unknown(DueCheck check, TimeProvider clock) =>
        new(check.CheckId, check.MonitorId, check.TenantId, false, null, 0, $"unknown: {health.Reason ?? "canaries failing"}",
            check.DueAt, clock.GetUtcNow(), Location: identity.Location, RoundId: check.RoundId, Unknown: true);

    async Task<MonitorChecked> RunTrustedAsync(DueCheck check, TimeProvider clock, CancellationToken ct)
    {
        CheckMetrics.Started(check, clock.GetUtcNow());
        var started = clock.GetTimestamp();
        try
        {
            var outcome = await RunAsync(check, ct);
            CheckMetrics.Finished(check.Type, outcome, clock.GetElapsedTime(started));
            return new MonitorChecked(
                check.CheckId, check.MonitorId, check.TenantId, outcome.Up, outcome.StatusCode, outcome.LatencyMs,
                outcome.Error, check.DueAt, clock.GetUtcNow(), outcome.Conditions, outcome.Detail,
                Location: identity.Location, RoundId: check.RoundId);
        }
        finally
        {
            CheckMetrics.InFlight.Dec();
        }
    }
}
