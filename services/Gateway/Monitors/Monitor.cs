using Sentinel.Contracts;

namespace Sentinel.Gateway.Monitors;

/// A monitor of the catalog. Version grows with every change so consumers of the catalog events can drop stale ones.
public sealed class Monitor
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public string Name { get; set; } = "";
    public string Type { get; set; } = MonitorTypes.Http;
    public string? Url { get; set; }
    public string Method { get; set; } = "GET";
    public Dictionary<string, string> Headers { get; set; } = [];
    public string? Body { get; set; }
    public List<string> ExpectedStatus { get; set; } = [];
    public bool FollowRedirects { get; set; }
    public bool IgnoreTls { get; set; }
    /// Settings of the non-HTTP check kinds (tcp, udp, icmp, dns, tls, heartbeat) as JSON, so a new kind needs no migration.
    public string Settings { get; set; } = "{}";
    public int IntervalSeconds { get; set; }
    public int TimeoutSeconds { get; set; }
    public int FailureThreshold { get; set; }
    public int RecoveryThreshold { get; set; }
    public List<Guid> ChannelIds { get; set; } = [];
    public bool AlertOnRecovery { get; set; }
    public string? CustomMessage { get; set; }
    public List<string> Tags { get; set; } = [];
    public int ResendEverySeconds { get; set; }
    public Guid? EscalationPolicyId { get; set; }
    /// While the parent is down, this monitor's alerts are held (Alert-Evaluation decides; the Gateway keeps no cycles).
    public Guid? ParentMonitorId { get; set; }
    public int? FlapThreshold { get; set; }
    public int? FlapWindowSeconds { get; set; }
    public bool Paused { get; set; }
    /// Where it is checked from (empty: any Checker, once per due time) and how many must report down (null: all).
    public List<string> Locations { get; set; } = [];
    public int? Quorum { get; set; }
    /// Heartbeat monitors: the secret of their ping URL (/ping/{PingToken}) and the optional slug for
    /// /ping/{tenant ping key}/{Slug}. Null for active checks.
    public string? PingToken { get; set; }
    public string? Slug { get; set; }
    /// When the monitor was last resumed through the API; consumers restart it from "new" after it.
    public DateTimeOffset? ResumedAt { get; set; }
    /// The monitor's id on public pages (badges, status pages): 128 random bits, so the internal id never leaks and
    /// public URLs cannot be enumerated. Loading a monitor overwrites this initial value with the stored one.
    public string PublicId { get; init; } = System.Security.Cryptography.RandomNumberGenerator.GetHexString(32, lowercase: true);
    /// The last status Alert-Evaluation reported ("new" until then); "paused" is derived from Paused, not stored.
    public string Status { get; set; } = MonitorStatuses.New;
    public DateTimeOffset? StatusChangedAt { get; set; }
    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static Monitor Create(Guid tenantId, MonitorSpec spec, DateTimeOffset now)
    {
        var monitor = new Monitor { Id = Guid.CreateVersion7(now), TenantId = tenantId, CreatedAt = now };
        monitor.Apply(spec, now);
        return monitor;
    }

    public void Apply(MonitorSpec spec, DateTimeOffset now)
    {
        Name = spec.Name;
        Type = spec.Type;
        Url = spec.Url;
        Method = spec.Method;
        Headers = new Dictionary<string, string>(spec.Headers);
        Body = spec.Body;
        ExpectedStatus = [.. spec.ExpectedStatus];
        FollowRedirects = spec.FollowRedirects;
        IgnoreTls = spec.IgnoreTls;
        Settings = spec.Settings.Write();
        IntervalSeconds = spec.IntervalSeconds;
        TimeoutSeconds = spec.TimeoutSeconds;
        FailureThreshold = spec.FailureThreshold;
        RecoveryThreshold = spec.RecoveryThreshold;
        ChannelIds = [.. spec.ChannelIds];
        AlertOnRecovery = spec.AlertOnRecovery;
        CustomMessage = spec.CustomMessage;
        Tags = [.. spec.Tags];
        ResendEverySeconds = spec.ResendEverySeconds;
        EscalationPolicyId = spec.EscalationPolicyId;
        ParentMonitorId = spec.ParentMonitorId;
        FlapThreshold = spec.FlapThreshold;
        FlapWindowSeconds = spec.FlapWindowSeconds;
        Locations = [.. spec.Locations ?? []];
        Quorum = Locations.Count > 0 ? spec.Quorum ?? Locations.Count : null;
        if (Type == MonitorTypes.Heartbeat)
        {
            PingToken ??= Heartbeats.PingTokens.New(); // kept across edits: the job's URL must not change
            Slug = spec.Slug;
        }
        else
        {
            PingToken = null;
            Slug = null;
        }
        Touch(now);
    }

    public void SetPaused(bool paused, DateTimeOffset now)
    {
        Paused = paused;
        Touch(now);
    }

    /// Resume is also how a manual-resume heartbeat that went down is brought back, paused or not: consumers
    /// restart it from "new" for everything after ResumedAt.
    public void Resume(DateTimeOffset now)
    {
        Paused = false;
        ResumedAt = now;
        Touch(now);
    }

    public void DetachParent(DateTimeOffset now)
    {
        ParentMonitorId = null;
        Touch(now);
    }

    public void RemoveChannel(Guid channelId, DateTimeOffset now)
    {
        ChannelIds = ChannelIds.Where(id => id != channelId).ToList();
        Touch(now);
    }

    void Touch(DateTimeOffset now)
    {
        Version++;
        UpdatedAt = now;
    }

    public MonitorUpserted ToUpserted(DateTimeOffset now) => new(
        Id, TenantId, Version, Name, Type, IntervalSeconds, TimeoutSeconds, Paused, FailureThreshold, RecoveryThreshold,
        [.. ChannelIds], AlertOnRecovery, CustomMessage, [.. Tags],
        Type == MonitorTypes.Http
            ? new HttpCheckSpec(Url!, Method, new Dictionary<string, string>(Headers), Body, [.. ExpectedStatus], FollowRedirects, IgnoreTls)
            : null,
        now,
        Check: MonitorSettings.Read(Settings).ToCheckSpec(Type, IgnoreTls),
        ResendEverySeconds: ResendEverySeconds,
        EscalationPolicyId: EscalationPolicyId,
        ParentMonitorId: ParentMonitorId,
        FlapThreshold: FlapThreshold,
        FlapWindowSeconds: FlapWindowSeconds,
        ResumedAt: ResumedAt,
        Locations: Locations.Count > 0 ? [.. Locations] : null,
        Quorum: Locations.Count > 0 ? Quorum ?? Locations.Count : null);

    /// The delete is one more change of the object, so it carries the next version.
    public MonitorDeleted ToDeleted(DateTimeOffset now) => new(Id, TenantId, Version + 1, now);
}

public static class MonitorTypes
{
    public const string Http = "http";
    public const string Tcp = "tcp";
    public const string Udp = "udp";
    public const string Icmp = "icmp";
    public const string Dns = "dns";
    public const string Tls = "tls";
    /// Passive: the monitored job pings /ping/{token}; nothing is checked actively.
    public const string Heartbeat = "heartbeat";

    public static readonly string[] Supported = [Http, Tcp, Udp, Icmp, Dns, Tls, Heartbeat];
}
