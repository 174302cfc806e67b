using System.Collections.Concurrent;
using System.Reflection;
using MassTransit;
using Microsoft.Extensions.Configuration;
using RabbitMQ.Client;
using Sentinel.Contracts;

namespace Sentinel.ServiceDefaults.Messaging;

/// `RabbitMq:QuorumQueues=true` makes every durable queue Sentinel declares a quorum queue (replicated across a
/// RabbitMQ cluster), `_error` and `_skipped` included. RabbitMQ before 4.0 refuses to re-declare a quorum queue
/// without `x-queue-type`, and MassTransit re-declares a command queue (without that argument) whenever a service
/// first sends to it. So in quorum mode a command goes to the queue's exchange (`exchange:check-monitor-batch`,
/// which the consumer's endpoint binds to its queue) and the sender first declares the quorum queue, exchange and
/// binding itself, so that a command sent before its consumer ever started still waits in the queue.
public sealed class QuorumQueues(IConfiguration configuration)
{
    static readonly HashSet<string> CommandQueues = typeof(Queues)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet();

    readonly ConcurrentDictionary<string, Lazy<Task>> declared = new();

    public bool Enabled => EnabledIn(configuration);

    public static bool EnabledIn(IConfiguration configuration) => configuration.GetValue("RabbitMq:QuorumQueues", false);

    /// The address to send to: unchanged for classic queues; the command queue's exchange in quorum mode, once the
    /// quorum queue behind it is known to exist.
    public async Task<Uri> SendAddressAsync(Uri address, CancellationToken ct)
    {
        if (!Enabled || address.Scheme != "queue" || !IsCommandQueue(address.AbsolutePath))
            return address;
        var queue = address.AbsolutePath;
        var declaration = declared.GetOrAdd(queue, q => new Lazy<Task>(() => DeclareAsync(q, CancellationToken.None)));
        try
        {
            await declaration.Value.WaitAsync(ct);
        }
        catch
        {
            declared.TryRemove(queue, out _); // the broker was away: declare again on the next send
            throw;
        }
        return new Uri($"exchange:{queue}");
    }

    /// The fixed command queues and the per-location check queues (Queues.CheckMonitorBatchFor).
    static bool IsCommandQueue(string queue) =>
        CommandQueues.Contains(queue) || queue.StartsWith(Queues.CheckMonitorBatch + "-", StringComparison.Ordinal);

    /// What MassTransit's receive endpoint declares for the queue, so either may come first.
    async Task DeclareAsync(string queue, CancellationToken ct)
    {
        var rabbit = configuration.GetSection("RabbitMq");
        var factory = new ConnectionFactory
        {
            HostName = rabbit["Host"] ?? "localhost",
            Port = rabbit.GetValue("Port", 5672),
            VirtualHost = rabbit["VirtualHost"] ?? "/",
            UserName = rabbit["Username"] ?? "guest",
            Password = rabbit["Password"] ?? "guest",
            ClientProvidedName = $"sentinel-declare-{queue}",
        };
        await using var connection = await factory.CreateConnectionAsync(ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        await channel.ExchangeDeclareAsync(queue, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: ct);
        await channel.QueueBindAsync(queue, queue, "", cancellationToken: ct);
    }
}

/// The scoped ISendEndpointProvider services inject, with command addresses translated for quorum mode.
sealed class QuorumSendEndpointProvider(ISendEndpointProvider inner, QuorumQueues quorum) : ISendEndpointProvider
{
    public async Task<ISendEndpoint> GetSendEndpoint(Uri address) =>
        await inner.GetSendEndpoint(await quorum.SendAddressAsync(address, CancellationToken.None));

    public ConnectHandle ConnectSendObserver(ISendObserver observer) => inner.ConnectSendObserver(observer);
}
