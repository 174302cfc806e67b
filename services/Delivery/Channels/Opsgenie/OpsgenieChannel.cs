using Sentinel.Contracts;
using Sentinel.Delivery.Notifications;

namespace Sentinel.Delivery.Channels.Opsgenie;

/// Opsgenie Alert API: down, reminder and escalation create an alert with alias = incident id (Opsgenie dedupes on
/// the alias), up closes it by that alias.
public sealed class OpsgenieChannel(ChannelHttp http) : INotificationChannel
{
    public const string DefaultApiUrl = "https://api.opsgenie.com";

    public string Type => ChannelKinds.Opsgenie;

    public Task<SendResult> SendAsync(ChannelTarget target, NotificationMessage message, CancellationToken ct)
    {
        var settings = target.ReadSettings<OpsgenieChannelSettings>();
        if (settings is null || string.IsNullOrWhiteSpace(settings.ApiKey) || !ChannelHttp.TryUrl(settings.ApiUrl ?? DefaultApiUrl, out var api))
            return Task.FromResult(SendResult.BadSettings(Type));
        var alias = Alias(message);
        var (path, body) = message.IsRecovery
            ? ($"/v2/alerts/{Uri.EscapeDataString(alias)}/close?identifierType=alias", CloseBody(message))
            : ("/v2/alerts", CreateBody(message, settings));
        return http.PostJsonAsync(ChannelHttp.Join(api.ToString(), path), body, message.Source.NotificationId, ct,
            request => request.Headers.TryAddWithoutValidation("Authorization", $"GenieKey {settings.ApiKey}"));
    }

    static string Alias(NotificationMessage m) =>
        m.IsTest ? $"sentinel-test-{m.Source.NotificationId}" : $"sentinel-{m.Source.IncidentId}";

    public static object CreateBody(NotificationMessage m, OpsgenieChannelSettings settings) => new
    {
        message = Truncate(m.Title, 130),
        alias = Alias(m),
        description = $"{m.Text}\n\n{m.IncidentUrl}",
        priority = m.IsTest ? "P5" : settings.Priority ?? "P1",
        source = "Sentinel",
        entity = m.Source.MonitorName,
        tags = m.Source.Tags is { Count: > 0 } tags ? tags : null,
        details = m.Fields.ToDictionary(f => f.Name, f => f.Value),
    };

    public static object CloseBody(NotificationMessage m) => new { source = "Sentinel", note = m.Text };

    static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
