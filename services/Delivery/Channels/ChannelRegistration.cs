using Sentinel.Delivery.Channels.Discord;
using Sentinel.Delivery.Channels.Email;
using Sentinel.Delivery.Channels.GoogleChat;
using Sentinel.Delivery.Channels.Gotify;
using Sentinel.Delivery.Channels.Matrix;
using Sentinel.Delivery.Channels.Mattermost;
using Sentinel.Delivery.Channels.Ntfy;
using Sentinel.Delivery.Channels.Opsgenie;
using Sentinel.Delivery.Channels.PagerDuty;
using Sentinel.Delivery.Channels.Pushover;
using Sentinel.Delivery.Channels.RocketChat;
using Sentinel.Delivery.Channels.Slack;
using Sentinel.Delivery.Channels.Teams;
using Sentinel.Delivery.Channels.Telegram;
using Sentinel.Delivery.Channels.Twilio;
using Sentinel.Delivery.Channels.Webhook;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels;

public static class ChannelRegistration
{
    /// Every channel kind, the secrets box, the per-channel limiter, the dispatcher, the batched writers and the send loop.
    public static IHostApplicationBuilder AddNotificationChannels(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DeliveryOptions>().BindConfiguration("Delivery").Configure<IConfiguration>((options, configuration) =>
        {
            // The walking skeleton's name for the HTTP timeout still works.
            if (configuration["Delivery:TimeoutSeconds"] is null && configuration.GetValue<double?>("Delivery:WebhookTimeoutSeconds") is { } legacy)
                options.TimeoutSeconds = legacy;
        });
        services.AddSingleton(sp => ChannelSecrets.FromConfiguration(
            sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<ILogger<ChannelSecrets>>()));
        services.AddSingleton<ChannelLimiter>();
        services.AddSingleton<ChannelHttp>();
        services.AddSingleton<Dispatcher>();
        services.AddSingleton<DeliveryRecorder>();
        services.AddSingleton<OutcomeWriter>();
        services.AddSingleton<SendLoop>();
        services.AddHostedService(sp => sp.GetRequiredService<SendLoop>());
        services.AddHostedService<SecretRotation>();
        services.AddHttpClient(ChannelHttp.ClientName, (sp, client) =>
                client.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<DeliveryOptions>>().Value.TimeoutSeconds))
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                // Many channels share few hosts (hooks.slack.com): as many pooled connections per host as sends in flight.
                MaxConnectionsPerServer = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<DeliveryOptions>>().Value.SendConcurrency,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            // The factory's request logging writes every URL (a Slack or Discord webhook URL is the secret itself) and
            // opens a log scope per request: neither belongs on a path that sends thousands a second.
            .RemoveAllLoggers();

        services.AddSingleton<INotificationChannel, WebhookChannel>();
        services.AddSingleton<INotificationChannel, EmailChannel>();
        services.AddSingleton<INotificationChannel, SlackChannel>();
        services.AddSingleton<INotificationChannel, DiscordChannel>();
        services.AddSingleton<INotificationChannel, TeamsChannel>();
        services.AddSingleton<INotificationChannel, TelegramChannel>();
        services.AddSingleton<INotificationChannel, PagerDutyChannel>();
        services.AddSingleton<INotificationChannel, OpsgenieChannel>();
        services.AddSingleton<INotificationChannel, PushoverChannel>();
        services.AddSingleton<INotificationChannel, NtfyChannel>();
        services.AddSingleton<INotificationChannel, GotifyChannel>();
        services.AddSingleton<INotificationChannel, MattermostChannel>();
        services.AddSingleton<INotificationChannel, GoogleChatChannel>();
        services.AddSingleton<INotificationChannel, RocketChatChannel>();
        services.AddSingleton<INotificationChannel, MatrixChannel>();
        services.AddSingleton<INotificationChannel, TwilioChannel>();
        return builder;
    }
}
