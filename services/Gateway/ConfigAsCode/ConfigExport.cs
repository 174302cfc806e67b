using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.Auth;

namespace Sentinel.Gateway.ConfigAsCode;

/// GET /api/v1/export: the tenant's configuration as YAML, objects sorted by name (status pages by slug) so the file
/// diffs well.
public static class ConfigExport
{
    public const string YamlMediaType = "application/yaml";

    public static void MapExportConfig(this RouteGroupBuilder api) =>
        api.MapGet("/export", Handle)
            .WithSummary("Export the configuration as YAML")
            .WithDescription("Monitors, channels (secrets as ${secret:...} references), escalation policies, alert rules, maintenance windows, status pages and SLOs; objects name each other by name.")
            .Produces<string>(StatusCodes.Status200OK, YamlMediaType);

    static async Task<ContentHttpResult> Handle(CatalogDb db, TenantContext tenant, CancellationToken ct) =>
        TypedResults.Text(ConfigYaml.Write(await BuildAsync(db, tenant.Id, ct)), YamlMediaType, System.Text.Encoding.UTF8);

    public static async Task<JsonObject> BuildAsync(CatalogDb db, Guid tenantId, CancellationToken ct)
    {
        var channels = await db.Channels.AsNoTracking().Where(c => c.TenantId == tenantId).ToListAsync(ct);
        var policies = await db.EscalationPolicies.AsNoTracking().Where(p => p.TenantId == tenantId).ToListAsync(ct);
        var monitors = await db.Monitors.AsNoTracking().Where(m => m.TenantId == tenantId).ToListAsync(ct);
        var rules = await db.AlertRules.AsNoTracking().Where(r => r.TenantId == tenantId).ToListAsync(ct);
        var windows = await db.MaintenanceWindows.AsNoTracking().Where(w => w.TenantId == tenantId).ToListAsync(ct);
        var pages = await db.StatusPages.AsNoTracking().Where(p => p.TenantId == tenantId).ToListAsync(ct);
        var slos = await db.Slos.AsNoTracking().Where(s => s.TenantId == tenantId).ToListAsync(ct);
        var names = new ConfigDocument.Names(
            channels.ToDictionary(c => c.Id, c => c.Name),
            policies.ToDictionary(p => p.Id, p => p.Name),
            monitors.ToDictionary(m => m.Id, m => m.Name));

        return new JsonObject
        {
            [ConfigDocument.Channels] = Section(channels, c => c.Name, c => c.Id, ConfigDocument.ChannelNode),
            [ConfigDocument.EscalationPolicies] = Section(policies, p => p.Name, p => p.Id, p => ConfigDocument.PolicyNode(p, names)),
            [ConfigDocument.Monitors] = Section(monitors, m => m.Name, m => m.Id, m => ConfigDocument.MonitorNode(m, names, withSecrets: false)),
            [ConfigDocument.AlertRules] = Section(rules, r => r.Name, r => r.Id, r => ConfigDocument.RuleNode(r, names)),
            [ConfigDocument.MaintenanceWindows] = Section(windows, w => w.Name, w => w.Id, w => ConfigDocument.WindowNode(w, names)),
            [ConfigDocument.StatusPages] = Section(pages, p => p.Slug, p => p.Id, p => ConfigDocument.StatusPageNode(p, names)),
            [ConfigDocument.Slos] = Section(slos, s => s.Name, s => s.Id, s => ConfigDocument.SloNode(s, names)),
        };
    }

    static JsonArray Section<T>(List<T> rows, Func<T, string> name, Func<T, Guid> id, Func<T, JsonObject> node) =>
        new(rows.OrderBy(name, StringComparer.Ordinal).ThenBy(id).Select(r => (JsonNode)node(r)).ToArray());
}
