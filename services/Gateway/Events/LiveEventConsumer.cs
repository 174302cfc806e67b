using System.Text.Json;
using MassTransit;
using Sentinel.Contracts;

namespace Sentinel.Gateway.Events;

/// Feeds the live stream. One class for all of its messages on purpose: they share one temporary queue per replica
/// (see LiveEventRegistration), and a class per message would declare a queue per message per replica. Nothing
/// here touches a database, so redelivery at most repeats an event to connected clients.
public sealed class LiveEventConsumer(LiveEventBuffer buffer) :
    IConsumer<MonitorStatusChanged>,
    IConsumer<IncidentOpened>,
    IConsumer<IncidentResolved>,
    IConsumer<IncidentAcknowledged>,
    IConsumer<IncidentEscalated>,
    IConsumer<MonitorChecked>,
    IConsumer<MonitorCheckedBatch>,
    IConsumer<MonitorCheckedPacked>
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task Consume(ConsumeContext<MonitorStatusChanged> context)
    {
        var m = context.Message;
        buffer.Append(LiveEventTypes.MonitorStatus, m.TenantId, m.MonitorId, m.Status, Serialize(
            new MonitorStatusEvent(m.MonitorId, m.Status, m.PreviousStatus, m.IncidentId, m.Error, m.ChangedAt)));
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<IncidentOpened> context)
    {
        var m = context.Message;
        buffer.Append(LiveEventTypes.IncidentOpened, m.TenantId, m.MonitorId, null, Serialize(
            new IncidentOpenedEvent(m.IncidentId, m.MonitorId, m.MonitorName, m.Error, m.FirstFailureAt, m.OpenedAt)));
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<IncidentResolved> context)
    {
        var m = context.Message;
        buffer.Append(LiveEventTypes.IncidentResolved, m.TenantId, m.MonitorId, null, Serialize(
            new IncidentResolvedEvent(m.IncidentId, m.MonitorId, m.OpenedAt, m.ResolvedAt)));
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<IncidentAcknowledged> context)
    {
        var m = context.Message;
        buffer.Append(LiveEventTypes.IncidentAcknowledged, m.TenantId, m.MonitorId, null, Serialize(
            new IncidentAcknowledgedEvent(m.IncidentId, m.MonitorId, m.AcknowledgedBy, m.AcknowledgedAt)));
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<IncidentEscalated> context)
    {
        var m = context.Message;
        buffer.Append(LiveEventTypes.IncidentEscalated, m.TenantId, m.MonitorId, null, Serialize(
            new IncidentEscalatedEvent(m.IncidentId, m.MonitorId, m.Level, m.ChannelIds, m.EscalatedAt)));
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<MonitorChecked> context)
    {
        AppendChecked(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<MonitorCheckedBatch> context)
    {
        foreach (var result in context.Message.Results)
            AppendChecked(result);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<MonitorCheckedPacked> context)
    {
        foreach (var result in context.Message.Unpack())
            AppendChecked(result);
        return Task.CompletedTask;
    }

    void AppendChecked(MonitorChecked m) =>
        buffer.Append(LiveEventTypes.MonitorChecked, m.TenantId, m.MonitorId, null, Serialize(
            new MonitorCheckedEvent(m.CheckId, m.MonitorId, m.Up, m.StatusCode, m.LatencyMs, m.Error, m.Detail, m.CheckedAt)));

    static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Json);
}

public sealed record MonitorStatusEvent(
    Guid MonitorId, string Status, string PreviousStatus, Guid? IncidentId, string? Error, DateTimeOffset ChangedAt);

public sealed record MonitorCheckedEvent(
    Guid CheckId, Guid MonitorId, bool Up, int? StatusCode, double LatencyMs, string? Error, string? Detail, DateTimeOffset CheckedAt);

public sealed record IncidentOpenedEvent(
    Guid IncidentId, Guid MonitorId, string MonitorName, string? Error, DateTimeOffset FirstFailureAt, DateTimeOffset OpenedAt);

public sealed record IncidentResolvedEvent(Guid IncidentId, Guid MonitorId, DateTimeOffset OpenedAt, DateTimeOffset ResolvedAt);

public sealed record IncidentAcknowledgedEvent(Guid IncidentId, Guid MonitorId, string? AcknowledgedBy, DateTimeOffset AcknowledgedAt);

public sealed record IncidentEscalatedEvent(Guid IncidentId, Guid MonitorId, int Level, IReadOnlyList<Guid> ChannelIds, DateTimeOffset EscalatedAt);
