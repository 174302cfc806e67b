using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Sentinel.ServiceDefaults.Messaging;

public static class BusExtensions
{
    /// MassTransit over RabbitMQ: kebab-case queues, publisher confirms, bounded prefetch, retry of transient faults
    /// and then the `_error` queue. Never the delayed-message scheduler: Debian's RabbitMQ has no such plugin.
    /// Event queues carry the service's name (AlertEvaluation → alert-evaluation-monitor-checked) so two services
    /// never share, and so compete on, one queue; command queues are named in Queues and set by the consumer.
    /// `RabbitMq:QuorumQueues=true` declares quorum queues instead of classic ones (see QuorumQueues).
    public static IHostApplicationBuilder AddSentinelBus(
        this IHostApplicationBuilder builder, string service, Action<IBusRegistrationConfigurator> registerConsumers)
    {
        builder.Services.TryAddSingleton<QuorumQueues>();
        builder.Services.AddReceiveObserver<ConsumerFaultMetrics>();
        builder.Services.AddMassTransit(x =>
        {
            x.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(service, false));
            x.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                if (QuorumQueues.EnabledIn(context.GetRequiredService<IConfiguration>())
                    && endpoint is IRabbitMqReceiveEndpointConfigurator rabbitEndpoint)
                    rabbitEndpoint.SetQuorumQueue();
            });
            registerConsumers(x);
            x.UsingRabbitMq((context, cfg) =>
            {
                var rabbit = context.GetRequiredService<IConfiguration>().GetSection("RabbitMq");
                cfg.Host(
                    rabbit["Host"] ?? "localhost",
                    rabbit.GetValue<ushort>("Port", 5672),
                    rabbit["VirtualHost"] ?? "/",
                    h =>
                    {
                        h.Username(rabbit["Username"] ?? "guest");
                        h.Password(rabbit["Password"] ?? "guest");
                        h.PublisherConfirmation = true;
                    });
                cfg.PrefetchCount = rabbit.GetValue("PrefetchCount", 32);
                if (QuorumQueues.EnabledIn(context.GetRequiredService<IConfiguration>()))
                {
                    cfg.SendTopology.ConfigureErrorSettings = q => q.SetQuorumQueue();
                    cfg.SendTopology.ConfigureDeadLetterSettings = q => q.SetQuorumQueue();
                }
                cfg.UseMessageRetry(r =>
                {
                    r.Ignore<PermanentMessageException>();
                    r.Exponential(
                        rabbit.GetValue("RetryLimit", 5),
                        TimeSpan.FromMilliseconds(200),
                        TimeSpan.FromSeconds(10),
                        TimeSpan.FromMilliseconds(500));
                });
                cfg.ConfigureEndpoints(context);
            });
        });
        DecorateSendEndpointProvider(builder.Services);
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = false; // the service answers /health/* while the broker is still unreachable
            o.StopTimeout = TimeSpan.FromSeconds(30); // in-flight messages finish or return to the queue
        });
        return builder;
    }

    /// Services inject ISendEndpointProvider to send commands; in quorum mode their addresses need translating.
    static void DecorateSendEndpointProvider(IServiceCollection services)
    {
        var original = services.LastOrDefault(d => d.ServiceType == typeof(ISendEndpointProvider) && d.ImplementationFactory is not null)
            ?? throw new InvalidOperationException("MassTransit registered no ISendEndpointProvider factory to decorate");
        services.Remove(original);
        services.Add(new ServiceDescriptor(typeof(ISendEndpointProvider), sp =>
        {
            var inner = (ISendEndpointProvider)original.ImplementationFactory!(sp);
            var quorum = sp.GetRequiredService<QuorumQueues>();
            return quorum.Enabled ? new QuorumSendEndpointProvider(inner, quorum) : inner;
        }, original.Lifetime));
    }
}

/// A message that can never succeed (bad data, unknown type): skip the retries and go straight to `_error`.
public sealed class PermanentMessageException(string message) : Exception(message);
