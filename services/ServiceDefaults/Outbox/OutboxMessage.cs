using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sentinel.Contracts;

namespace Sentinel.ServiceDefaults.Outbox;

/// A message waiting to be handed to RabbitMQ. It is added to the same DbContext as the change that causes it,
/// so both commit in one transaction; the relay publishes it afterwards and deletes the row.
public sealed class OutboxMessage
{
    public long Id { get; private set; }
    public Guid MessageId { get; private set; }
    public required string MessageType { get; init; }
    public required string Body { get; init; }
    /// Null: published as an event. Otherwise the queue a command is sent to.
    public string? Destination { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    public static OutboxMessage Publish<T>(T message, DateTimeOffset now) where T : class => Create(message, null, now);

    public static OutboxMessage Send<T>(T message, string queue, DateTimeOffset now) where T : class =>
        Create(message, Queues.Address(queue).ToString(), now);

    static OutboxMessage Create<T>(T message, string? destination, DateTimeOffset now) where T : class =>
        new()
        {
            MessageId = Guid.CreateVersion7(now),
            // The runtime type, so a message held as `object` is still stored as its contract.
            MessageType = message.GetType().FullName!,
            Body = JsonSerializer.Serialize(message, message.GetType(), JsonSerializerOptions.Web),
            Destination = destination,
            CreatedAt = now,
        };

    public object Deserialize()
    {
        var type = typeof(MonitorChecked).Assembly.GetType(MessageType)
            ?? throw new InvalidOperationException($"Outbox row {Id} names an unknown contract {MessageType}");
        return JsonSerializer.Deserialize(Body, type, JsonSerializerOptions.Web)!;
    }
}

public static class OutboxModel
{
    public static ModelBuilder AddOutbox(this ModelBuilder model)
    {
        model.Entity<OutboxMessage>(e =>
        {
            e.ToTable("outbox");
            e.HasKey(m => m.Id);
            e.Property(m => m.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(m => m.MessageId).HasColumnName("message_id");
            e.Property(m => m.MessageType).HasColumnName("message_type");
            e.Property(m => m.Body).HasColumnName("body").HasColumnType("jsonb");
            e.Property(m => m.Destination).HasColumnName("destination");
            e.Property(m => m.CreatedAt).HasColumnName("created_at");
        });
        return model;
    }
}
