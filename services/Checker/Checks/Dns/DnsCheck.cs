using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using Sentinel.Checker.Checks.Tcp;
using Sentinel.Conditions;
using Sentinel.Contracts;

namespace Sentinel.Checker.Checks.Dns;

/// One DNS query (DnsClient, no cache, no retries) against the monitor's resolver or the system's. Up when the
/// response code is the expected one and every expected answer is present. [BODY] is the answers, one per line.
public sealed class DnsCheck(OutboundPolicy policy, TimeProvider clock)
{
    public const string Type = "dns";
    public static readonly string[] RecordTypes = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SOA", "SRV", "CAA"];

    public async Task<CheckOutcome> RunAsync(DnsCheckSpec spec, int timeoutSeconds, CancellationToken ct)
    {
        var recordType = spec.RecordType.ToUpperInvariant();
        if (!RecordTypes.Contains(recordType) || !Enum.TryParse<QueryType>(recordType, out var queryType))
            return CheckOutcome.Down($"record type '{spec.RecordType}' is not supported");
        var timeout = Network.Timeout(timeoutSeconds);
        var started = clock.GetTimestamp();
        double Elapsed() => clock.GetElapsedTime(started).TotalMilliseconds;
        try
        {
            var options = spec.NameServer is { Length: > 0 } server
                ? new LookupClientOptions(new IPEndPoint((await policy.ResolveAsync(server, ct))[0], spec.Port))
                : new LookupClientOptions();
            options.UseCache = false;
            options.Retries = 0;
            options.Timeout = timeout;
            options.ThrowDnsErrors = false;
            options.ContinueOnDnsError = false;
            options.ContinueOnEmptyResponse = false;
            var client = new LookupClient(options);

            var response = await client.QueryAsync(spec.Name, queryType, QueryClass.IN, ct);
            var ms = Elapsed();
            var rcode = RcodeName(response.Header.ResponseCode);
            var answers = response.Answers.Select(Describe).ToList();
            var firstAddress = response.Answers.OfType<AddressRecord>().FirstOrDefault()?.Address;
            var facts = new CheckFacts(
                ResponseTimeMs: ms, Body: string.Join('\n', answers), Connected: true, DnsRcode: rcode,
                Ip: TcpCheck.Unmapped(firstAddress));
            var detail = answers.Count == 0 ? $"{rcode}, no answers" : $"{rcode}: {string.Join(", ", answers)}";

            var expectedRcode = spec.ExpectedRcode.ToUpperInvariant();
            if (rcode != expectedRcode)
                return new CheckOutcome(false, null, ms, $"DNS answered {rcode}, expected {expectedRcode}", facts, detail);
            var missing = (spec.ExpectedAnswers ?? []).Where(e => !answers.Contains(e.TrimEnd('.'), StringComparer.OrdinalIgnoreCase)).ToList();
            if (missing.Count > 0)
                return new CheckOutcome(false, null, ms,
                    $"answer lacks {string.Join(", ", missing)} (got {(answers.Count == 0 ? "no answers" : string.Join(", ", answers))})", facts, detail);
            return new CheckOutcome(true, null, ms, null, facts, detail);
        }
        catch (DnsResponseException ex) when (ex.Code == DnsResponseCode.ConnectionTimeout)
        {
            return CheckOutcome.Down($"no answer from the resolver within {timeout.TotalSeconds:0.###} s", latencyMs: Elapsed(),
                facts: new CheckFacts(Connected: false));
        }
        catch (DnsResponseException ex)
        {
            return CheckOutcome.Down($"DNS query failed: {ex.DnsError}", latencyMs: Elapsed(), facts: new CheckFacts(Connected: false));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return CheckOutcome.Down($"no answer from the resolver within {timeout.TotalSeconds:0.###} s", latencyMs: Elapsed(),
                facts: new CheckFacts(Connected: false));
        }
        catch (SocketException ex)
        {
            return CheckOutcome.Down(Network.Describe(ex), facts: new CheckFacts(Connected: false));
        }
        catch (BlockedTargetException ex)
        {
            return CheckOutcome.Down(ex.Message, facts: new CheckFacts(Connected: false));
        }
    }

    static string RcodeName(DnsHeaderResponseCode code) => code switch
    {
        DnsHeaderResponseCode.NoError => "NOERROR",
        DnsHeaderResponseCode.FormatError => "FORMERR",
        DnsHeaderResponseCode.ServerFailure => "SERVFAIL",
        DnsHeaderResponseCode.NotExistentDomain => "NXDOMAIN",
        DnsHeaderResponseCode.NotImplemented => "NOTIMP",
        DnsHeaderResponseCode.Refused => "REFUSED",
        _ => code.ToString().ToUpperInvariant(),
    };

    /// The record's data as people write it (no owner name, TTL or class), trailing dots removed.
    static string Describe(DnsResourceRecord record) => record switch
    {
        AddressRecord a => a.Address.ToString(),
        CNameRecord c => Name(c.CanonicalName),
        MxRecord mx => $"{mx.Preference} {Name(mx.Exchange)}",
        TxtRecord txt => string.Concat(txt.Text),
        NsRecord ns => Name(ns.NSDName),
        SoaRecord soa => $"{Name(soa.MName)} {Name(soa.RName)} {soa.Serial}",
        SrvRecord srv => $"{srv.Priority} {srv.Weight} {srv.Port} {Name(srv.Target)}",
        CaaRecord caa => $"{caa.Flags} {caa.Tag} \"{caa.Value}\"",
        _ => record.ToString(),
    };

    static string Name(DnsString name) => name.Value.TrimEnd('.');
}
