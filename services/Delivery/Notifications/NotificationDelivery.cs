using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sentinel.Contracts;
using Sentinel.Delivery.Channels;

namespace Sentinel.Delivery.Notifications;

public static class DeliveryStatuses
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}

/// One notification to one channel, keyed by the command's NotificationId: its row exists before anything is sent,
/// which is what turns a redelivered SendNotification into a no-op. While pending, NextAttemptAt says when it is due
/// (SendLoop picks it up then, after a restart too); Payload keeps the command so a retry can render it again.
public sealed class NotificationDelivery
{
    public Guid NotificationId { get; private set; }
    public Guid TenantId { get; private set; }
    public Guid ChannelId { get; private set; }
    public Guid IncidentId { get; private set; }
    public Guid MonitorId { get; private set; }
    public string Event { get; private set; } = "";
    public string Status { get; private set; } = DeliveryStatuses.Pending;
    public int Attempts { get; private set; }
    public string? LastError { get; private set; }
    public int? LastStatusCode { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? DeliveredAt { get; private set; }
    /// When the next try is due; null once final. A try in progress pushes it ahead (a lease), so a crash mid-send
    /// is retried once the lease runs out.
    public DateTimeOffset? NextAttemptAt { get; private set; }
    /// The SendNotification as JSON.
    public string Payload { get; private set; } = "{}";

    public bool IsFinal => Status != DeliveryStatuses.Pending;

    public static NotificationDelivery Start(SendNotification command, DateTimeOffset now, DateTimeOffset leaseUntil) =>
        new()
        {
            Payload = System.Text.Json.JsonSerializer.Serialize(command, System.Text.Json.JsonSerializerOptions.Web),
            NextAttemptAt = leaseUntil,
            NotificationId = command.NotificationId,
            TenantId = command.TenantId,
            ChannelId = command.ChannelId,
            IncidentId = command.IncidentId,
            MonitorId = command.MonitorId,
            Event = command.Event,
            CreatedAt = now,
            UpdatedAt = now,
        };

    public SendNotification Command() =>
        System.Text.Json.JsonSerializer.Deserialize<SendNotification>(Payload, System.Text.Json.JsonSerializerOptions.Web)
        ?? throw new InvalidOperationException($"Delivery {NotificationId} has no payload");

    /// Counts one send. It ends the delivery on success, on a permanent error, or on a transient error that used the
    /// last of maxAttempts; otherwise the delivery stays pending and is due again at retryAt.
    public DeliveryAttempt Record(
        SendResult result, DateTimeOffset startedAt, DateTimeOffset finishedAt, int maxAttempts, DateTimeOffset retryAt)
    {
        Attempts++;
        LastStatusCode = result.StatusCode;
        LastError = result.Error;
        UpdatedAt = finishedAt;
        Status = result.Outcome switch
        {
            SendOutcome.Delivered => DeliveryStatuses.Delivered,
            SendOutcome.Transient when Attempts < maxAttempts => DeliveryStatuses.Pending,
            _ => DeliveryStatuses.Failed,
        };
        if (Status == DeliveryStatuses.Delivered)
            DeliveredAt = finishedAt;
        NextAttemptAt = IsFinal ? null : retryAt;

        return new DeliveryAttempt
        {
            NotificationId = NotificationId,
            Attempt = Attempts,
            StartedAt = startedAt,
            DurationMs = (int)Math.Round((finishedAt - startedAt).TotalMilliseconds),
            StatusCode = result.StatusCode,
            Error = result.Error,
            Outcome = result.Outcome.ToString().ToLowerInvariant(),
        };
    }

    /// Puts the try off without counting it (the channel's concurrency limit is reached).
    public void Defer(DateTimeOffset until) => NextAttemptAt = until;

    /// Gives up without sending (the channel is gone or of a kind this service cannot send).
    public void Fail(string error, DateTimeOffset now)
    {
        Status = DeliveryStatuses.Failed;
        NextAttemptAt = null;
        LastError = error;
        UpdatedAt = now;
    }

    public NotificationDelivered ToDelivered() =>
        new(NotificationId, ChannelId, IncidentId, TenantId, Attempts, DeliveredAt ?? UpdatedAt);

    public NotificationFailed ToFailed() =>
        new(NotificationId, ChannelId, IncidentId, TenantId, Attempts, LastError ?? "failed", UpdatedAt);
}

/// One try at sending a notification, kept for the operator ("why did my webhook not fire?").
public sealed class DeliveryAttempt
{
    public long Id { get; private set; }
    public Guid NotificationId { get; init; }
    public int Attempt { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public int DurationMs { get; init; }
    public int? StatusCode { get; init; }
    public string? Error { get; init; }
    /// delivered | transient | permanent
    public string Outcome { get; init; } = "";
}

sealed class NotificationDeliveryConfiguration : IEntityTypeConfiguration<NotificationDelivery>
{
    public void Configure(EntityTypeBuilder<NotificationDelivery> e)
    {
        e.ToTable("deliveries");
        e.HasKey(d => d.NotificationId);
        e.Property(d => d.NotificationId).HasColumnName("notification_id").ValueGeneratedNever();
        e.Property(d => d.TenantId).HasColumnName("tenant_id");
        e.Property(d => d.ChannelId).HasColumnName("channel_id");
        e.Property(d => d.IncidentId).HasColumnName("incident_id");
        e.Property(d => d.MonitorId).HasColumnName("monitor_id");
        e.Property(d => d.Event).HasColumnName("event");
        e.Property(d => d.Status).HasColumnName("status");
        // A retry loop whose lease ran out while a slow send was still going must not record a second attempt N.
        e.Property(d => d.Attempts).HasColumnName("attempts").IsConcurrencyToken();
        e.Property(d => d.LastError).HasColumnName("last_error");
        e.Property(d => d.LastStatusCode).HasColumnName("last_status_code");
        e.Property(d => d.CreatedAt).HasColumnName("created_at");
        e.Property(d => d.UpdatedAt).HasColumnName("updated_at");
        e.Property(d => d.DeliveredAt).HasColumnName("delivered_at");
        e.Property(d => d.NextAttemptAt).HasColumnName("next_attempt_at");
        e.Property(d => d.Payload).HasColumnName("payload").HasColumnType("jsonb");
        // SendLoop's claim: only pending rows are in this index, so it stays small however long the history grows.
        e.HasIndex(d => d.NextAttemptAt).HasFilter("status = 'pending'").HasDatabaseName("ix_deliveries_due");
        e.Ignore(d => d.IsFinal);
        // The Gateway's listing: one tenant, newest first, keyset-paged.
        e.HasIndex(d => new { d.TenantId, d.CreatedAt, d.NotificationId })
            .IsDescending(false, true, true)
            .HasDatabaseName("ix_deliveries_tenant_created");
    }
}

sealed class DeliveryAttemptConfiguration : IEntityTypeConfiguration<DeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<DeliveryAttempt> e)
    {
        e.ToTable("delivery_attempts");
        e.HasKey(a => a.Id);
        e.Property(a => a.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        e.Property(a => a.NotificationId).HasColumnName("notification_id");
        e.Property(a => a.Attempt).HasColumnName("attempt");
        e.Property(a => a.StartedAt).HasColumnName("started_at");
        e.Property(a => a.DurationMs).HasColumnName("duration_ms");
        e.Property(a => a.StatusCode).HasColumnName("status_code");
        e.Property(a => a.Error).HasColumnName("error");
        e.Property(a => a.Outcome).HasColumnName("outcome");
        e.HasIndex(a => new { a.NotificationId, a.Attempt }).IsUnique().HasDatabaseName("ux_delivery_attempts_notification_attempt");
        e.HasOne<NotificationDelivery>().WithMany().HasForeignKey(a => a.NotificationId).OnDelete(DeleteBehavior.Cascade);
    }
}
