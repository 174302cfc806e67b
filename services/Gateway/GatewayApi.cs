using System.Text.Json.Serialization;
using Sentinel.Gateway.Api;
using Sentinel.Gateway.AlertRules;
using Sentinel.Gateway.ApiKeys;
using Sentinel.Gateway.Auth;
using Sentinel.Gateway.Channels;
using Sentinel.Gateway.ConfigAsCode;
using Sentinel.Gateway.CheckResults;
using Sentinel.Gateway.Badges;
using Sentinel.Gateway.Deliveries;
using Sentinel.Gateway.Events;
using Sentinel.Gateway.EscalationPolicies;
using Sentinel.Gateway.Heartbeats;
using Sentinel.Gateway.Incidents;
using Sentinel.Gateway.Locations;
using Sentinel.Gateway.MaintenanceWindows;
using Sentinel.Gateway.Monitors;
using Sentinel.Gateway.Slos;
using Sentinel.Gateway.Stats;
using Sentinel.Gateway.StatusPages;
using Sentinel.Gateway.Tenants;

namespace Sentinel.Gateway;

/// The public REST API under /api/v1: its registrations and its routes.
public static class GatewayApi
{
    public static IServiceCollection AddGatewayApi(this IServiceCollection services)
    {
        // Strict input: an unknown or mistyped field is a 400 that says where, never silently ignored.
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<RequestExceptionHandler>();
        services.AddApiKeyAuthentication();
        services.AddOpenApi();
        // Features add their own named policies with services.AddRateLimiter(o => o.AddPolicy(...)).
        services.AddRateLimiter(o => o.RejectionStatusCode = StatusCodes.Status429TooManyRequests);
        services.AddGatewayRateLimits();
        services.AddHostedService<BootstrapApiKey>();
        services.AddHeartbeats();
        services.AddOwnerUnavailableHandling();
        services.AddInternalApi<IAlertEvaluationApi>("AlertEvaluation", "http://localhost:5084");
        services.AddInternalApi<ILocationsApi>("AlertEvaluation", "http://localhost:5084");
        services.AddInternalApi<ITelemetryApi>("TelemetryIngest", "http://localhost:5083");
        services.AddInternalApi<IDeliveryApi>("Delivery", "http://localhost:5085");
        services.AddCheckerApi();
        services.AddTelemetryStats();
        services.AddTelemetrySlos();
        services.AddDeliveryChannelsApi();
        services.AddSingleton<LiveEventBuffer>();
        services.AddSingleton<StatusPageCache>();
        services.AddMemoryCache();
        return services;
    }

    public static WebApplication MapGatewayApi(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapOpenApi();
        app.MapHeartbeatPings(); // public: the token is the secret
        app.MapPublicStatusPages(); // public: no API key
        app.MapBadges(); // public: the monitor's public id

        var api = app.MapGroup("/api/v1").RequireAuthorization(ApiKeyAuthentication.Policy).RequireRateLimiting(RateLimits.ApiKeyPolicy)
            .WithHandlerSummaries();
        api.MapCreateMonitor();
        api.MapListMonitors();
        api.MapGetMonitor();
        api.MapReplaceMonitor();
        api.MapPatchMonitor();
        api.MapDeleteMonitor();
        api.MapPauseMonitor();
        api.MapResumeMonitor();
        api.MapCheckNow();
        api.MapListMonitorResults();
        api.MapGetMonitorStats();
        api.MapListMonitorIncidents();
        api.MapListMonitorRounds();
        api.MapListLocations();
        api.MapCreateChannel();
        api.MapListChannels();
        api.MapGetChannel();
        api.MapReplaceChannel();
        api.MapDeleteChannel();
        api.MapTestChannel();
        api.MapCreateApiKey();
        api.MapListApiKeys();
        api.MapRevokeApiKey();
        api.MapListIncidents();
        api.MapGetIncident();
        api.MapAcknowledgeIncident();
        api.MapListAlertHistory();
        api.MapEscalationPolicies();
        api.MapAlertRules();
        api.MapSlos();
        api.MapMaintenanceWindows();
        api.MapListDeliveries();
        api.MapExportConfig();
        api.MapImportConfig();
        api.MapStreamEvents();
        api.MapStatusPages();
        api.MapGetMonitorBadges();
        api.MapHeartbeatApi();
        return app;
    }
}
