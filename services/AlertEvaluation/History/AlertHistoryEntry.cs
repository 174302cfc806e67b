using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sentinel.Contracts;

namespace Sentinel.AlertEvaluation.History;

/// One line of the alert history: what happened to a monitor's alerting and why. An incident's entries are its
/// timeline; a suppressed alert is recorded here with its reason, never silently dropped.
public sealed class AlertHistoryEntry
{
    public Guid Id { get; init; }
    public Guid TenantId { get; init; }
    public Guid MonitorId { get; init; }
    public Guid? IncidentId { get; init; }
    public required string Kind { get; init; }
    public string? Event { get; init; }
    public Guid? ChannelId { get; init; }
    public Guid? NotificationId { get; init; }
    public int? EscalationLevel { get; init; }
    public Guid? RuleId { get; init; }
    public string? Detail { get; init; }
    public DateTimeOffset At { get; init; }

    public static AlertHistoryEntry For(Guid tenantId, Guid monitorId, Guid? incidentId, string kind, string? detail, DateTimeOffset at) =>
        new() { Id = OrderedIds.Next(at), TenantId = tenantId, MonitorId = monitorId, IncidentId = incidentId, Kind = kind, Detail = detail, At = at };

    public static AlertHistoryEntry ForNotification(SendNotification n, Guid? incidentId, string kind, Guid? ruleId, string? detail, DateTimeOffset at) =>
        new()
        {
            Id = OrderedIds.Next(at), TenantId = n.TenantId, MonitorId = n.MonitorId, IncidentId = incidentId, Kind = kind,
            Event = n.Event, ChannelId = n.ChannelId, NotificationId = n.NotificationId, EscalationLevel = n.EscalationLevel,
            RuleId = ruleId, Detail = detail, At = at,
        };

    internal static void Configure(EntityTypeBuilder<AlertHistoryEntry> e)
    {
        e.ToTable("alert_history");
        e.HasKey(h => h.Id);
        e.Property(h => h.Id).HasColumnName("id");
        e.Property(h => h.TenantId).HasColumnName("tenant_id");
        e.Property(h => h.MonitorId).HasColumnName("monitor_id");
        e.Property(h => h.IncidentId).HasColumnName("incident_id");
        e.Property(h => h.Kind).HasColumnName("kind");
        e.Property(h => h.Event).HasColumnName("event");
        e.Property(h => h.ChannelId).HasColumnName("channel_id");
        e.Property(h => h.NotificationId).HasColumnName("notification_id");
        e.Property(h => h.EscalationLevel).HasColumnName("escalation_level");
        e.Property(h => h.RuleId).HasColumnName("rule_id");
        e.Property(h => h.Detail).HasColumnName("detail");
        e.Property(h => h.At).HasColumnName("at");
        e.HasIndex(h => h.IncidentId).HasFilter("incident_id is not null");
        e.HasIndex(h => new { h.TenantId, h.MonitorId, h.Id });
    }
}

/// The kinds of history entries.
public static class HistoryKinds
{
    public const string Opened = "opened";
    public const string Notified = "notified";
    public const string Suppressed = "suppressed";
    public const string Held = "held";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";
    public const string FlappingStarted = "flapping-started";
    public const string FlappingEnded = "flapping-ended";
}

/// Version-7 ids that also grow within one millisecond, so the entries of one moment (opened, then its notifications;
/// resolved, then the recovery notifications) read back in the order they were recorded.
static class OrderedIds
{
    static readonly Lock Gate = new();
    static UInt128 last;

    public static Guid Next(DateTimeOffset at)
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.CreateVersion7(at).TryWriteBytes(bytes, bigEndian: true, out _);
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
        lock (Gate)
        {
            if (value <= last)
                value = last + 1;
            last = value;
        }
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new Guid(bytes, bigEndian: true);
    }
}
