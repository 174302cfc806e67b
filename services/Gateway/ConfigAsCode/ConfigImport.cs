using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sentinel.Gateway.AlertRules;
using Sentinel.Gateway.Channels;
using Sentinel.Gateway.EscalationPolicies;
using Sentinel.Gateway.MaintenanceWindows;
using Sentinel.Gateway.Monitors;
using Sentinel.Gateway.Slos;
using Sentinel.Gateway.StatusPages;
using Sentinel.ServiceDefaults.Outbox;
using Monitor = Sentinel.Gateway.Monitors.Monitor;

namespace Sentinel.Gateway.ConfigAsCode;

public sealed record ImportReport(
    bool DryRun, IReadOnlyList<string> Created, IReadOnlyList<string> Updated, IReadOnlyList<string> Unchanged,
    IReadOnlyList<string> Deleted);

/// Applies a configuration file to one tenant, by name (status pages by slug): creates what is missing, updates what
/// differs, leaves equal objects alone (no new version, no event) and, with prune, deletes what the file does not name.
/// Each object goes through the same Parse as its REST endpoint. The caller owns the transaction: any error, and the
/// caller rolls everything back. Changes are saved as they go so the database checks (parent cycles) see the whole new
/// state.
public sealed class ConfigImport(CatalogDb db, Guid tenantId, DateTimeOffset now, int minIntervalSeconds, bool prune)
{
    readonly Dictionary<string, List<string>> errors = [];
    readonly List<string> created = [], updated = [], unchanged = [], deleted = [];
    // Entries whose name is taken twice: reported once, not applied (they would collide with the first).
    readonly HashSet<string> skipped = [];

    // Name -> id of what the file may name: the file's objects (existing id or a new one) and, without prune, the
    // tenant's other objects too (prune deletes those, so the file may not lean on them).
    readonly Dictionary<string, Guid> channelIds = [], policyIds = [], monitorIds = [];

    public Dictionary<string, string[]> Errors => errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    /// Slugs of the status pages created, updated or deleted: their cached public pages are stale once committed.
    public List<string> ChangedStatusPages { get; } = [];

    /// Monitors created, updated or deleted: their cached ping lookups are stale once committed.
    public List<Guid> ChangedMonitors { get; } = [];

    public async Task<ImportReport?> RunAsync(JsonObject root, bool dryRun, CancellationToken ct)
    {
        foreach (var (key, _) in root)
            if (!ConfigDocument.Sections.Contains(key))
                Fail(key, $"Unknown section '{key}'; the file has {string.Join(", ", ConfigDocument.Sections)}.");
        var sections = ConfigDocument.Sections.ToDictionary(s => s, s => Items(root, s));

        var channels = await db.Channels.Where(c => c.TenantId == tenantId).ToListAsync(ct);
        var policies = await db.EscalationPolicies.Where(p => p.TenantId == tenantId).ToListAsync(ct);
        var monitors = await db.Monitors.Where(m => m.TenantId == tenantId).ToListAsync(ct);
        var rules = await db.AlertRules.Where(r => r.TenantId == tenantId).ToListAsync(ct);
        var windows = await db.MaintenanceWindows.Where(w => w.TenantId == tenantId).ToListAsync(ct);
        var pages = await db.StatusPages.Where(p => p.TenantId == tenantId).ToListAsync(ct);
        var slos = await db.Slos.Where(s => s.TenantId == tenantId).ToListAsync(ct);

        var channelByName = Index(ConfigDocument.Channels, sections, channels, c => c.Name, c => c.Id, channelIds);
        var policyByName = Index(ConfigDocument.EscalationPolicies, sections, policies, p => p.Name, p => p.Id, policyIds);
        var monitorByName = Index(ConfigDocument.Monitors, sections, monitors, m => m.Name, m => m.Id, monitorIds);
        var ruleByName = Index(ConfigDocument.AlertRules, sections, rules, r => r.Name, r => r.Id, []);
        var windowByName = Index(ConfigDocument.MaintenanceWindows, sections, windows, w => w.Name, w => w.Id, []);
        var sloByName = Index(ConfigDocument.Slos, sections, slos, s => s.Name, s => s.Id, []);
        var pageBySlug = Index(ConfigDocument.StatusPages, sections, pages, p => p.Slug, p => p.Id, [], SlugKey);
        var names = new ConfigDocument.Names(Invert(channelIds, channels, c => c.Id, c => c.Name),
            Invert(policyIds, policies, p => p.Id, p => p.Name), Invert(monitorIds, monitors, m => m.Id, m => m.Name));

        foreach (var (path, item) in sections[ConfigDocument.Channels].Where(i => !skipped.Contains(i.Path)))
            ApplyChannel(path, item, channelByName);
        foreach (var (path, item) in sections[ConfigDocument.EscalationPolicies].Where(i => !skipped.Contains(i.Path)))
            ApplyPolicy(path, item, policyByName, names);
        var appliedMonitors = new List<(string Path, Monitor Monitor, MonitorSpec Spec)>();
        foreach (var (path, item) in sections[ConfigDocument.Monitors].Where(i => !skipped.Contains(i.Path)))
            if (ApplyMonitor(path, item, monitorByName, names) is { } applied)
                appliedMonitors.Add(applied);
        if (!await SaveAsync(ct))
            return null;
        await CheckParentsAsync(appliedMonitors, ct);
        foreach (var (path, item) in sections[ConfigDocument.AlertRules].Where(i => !skipped.Contains(i.Path)))
            ApplyRule(path, item, ruleByName, names);
        foreach (var (path, item) in sections[ConfigDocument.MaintenanceWindows].Where(i => !skipped.Contains(i.Path)))
            ApplyWindow(path, item, windowByName, names);
        foreach (var (path, item) in sections[ConfigDocument.StatusPages].Where(i => !skipped.Contains(i.Path)))
            await ApplyStatusPageAsync(path, item, pageBySlug, names, ct);
        foreach (var (path, item) in sections[ConfigDocument.Slos].Where(i => !skipped.Contains(i.Path)))
            ApplySlo(path, item, sloByName, names);

        if (prune)
        {
            Prune(ConfigDocument.StatusPages, pages, sections, p => p.Slug, p => { db.StatusPages.Remove(p); ChangedStatusPages.Add(p.Slug); }, SlugKey);
            Prune(ConfigDocument.Slos, slos, sections, s => s.Name, s => { db.Slos.Remove(s); Publish(s.ToDeleted(now)); });
            Prune(ConfigDocument.AlertRules, rules, sections, r => r.Name, r => { db.AlertRules.Remove(r); Publish(r.ToDeleted(now)); });
            Prune(ConfigDocument.MaintenanceWindows, windows, sections, w => w.Name, w => { db.MaintenanceWindows.Remove(w); Publish(w.ToDeleted(now)); });
            Prune(ConfigDocument.Monitors, monitors, sections, m => m.Name, m => { db.Monitors.Remove(m); Publish(m.ToDeleted(now)); ChangedMonitors.Add(m.Id); });
            Prune(ConfigDocument.EscalationPolicies, policies, sections, p => p.Name, p => { db.EscalationPolicies.Remove(p); Publish(p.ToDeleted(now)); });
            Prune(ConfigDocument.Channels, channels, sections, c => c.Name, c => { db.Channels.Remove(c); Publish(c.ToDeleted(now)); });
        }

        if (errors.Count > 0 || !await SaveAsync(ct))
            return null;
        return new ImportReport(dryRun, created, updated, unchanged, deleted);
    }

    // ---- channels ----

    void ApplyChannel(string path, JsonObject item, Dictionary<string, object> byName)
    {
        if (!Fields(path, item, ConfigDocument.ChannelFields))
            return;
        var name = NameOf(item);
        var type = item["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
        var existing = Existing<Channel>(byName, name);
        var settings = item["settings"] as JsonObject;
        if (item["settings"] is { } raw && settings is null)
        {
            Fail($"{path}.settings", "Settings must be a mapping.");
            return;
        }

        if (existing is not null && existing.Type == type && settings is not null
            && JsonNode.DeepEquals(ConfigDocument.Canon(settings), ConfigDocument.ChannelNode(existing)["settings"]))
        {
            unchanged.Add($"{ConfigDocument.Channels}/{name}");
            return;
        }

        // Something differs, so Delivery needs the whole settings: only a webhook's header values can be filled in
        // from the catalog; every other secret Delivery alone keeps, and it takes the settings whole.
        var complete = settings?.DeepClone().AsObject();
        var resolved = true;
        if (complete is not null && type is not null)
            foreach (var secret in ChannelSettingsSpec.Secrets.GetValueOrDefault(type, []))
            {
                if (secret == "headers" && complete["headers"] is JsonObject headers)
                {
                    foreach (var (header, value) in headers.ToList())
                        if (ConfigDocument.TryParseReference(value, out var refName, out var field))
                            resolved &= Resolve(headers, header, $"{path}.settings.headers.{header}", name, refName, field, $"headers.{header}",
                                existing?.Headers.GetValueOrDefault(header), existing is not null);
                }
                else if (ConfigDocument.TryParseReference(complete[secret], out var refName, out var field))
                    resolved &= Resolve(complete, secret, $"{path}.settings.{secret}", name, refName, field, secret,
                        secret == "headers" && existing is not null ? JsonSerializer.Serialize(existing.Headers) : null, existing is not null,
                        keptByDelivery: secret != "headers");
            }
        if (!resolved)
            return;

        ChannelSpec? spec;
        Dictionary<string, string[]> parseErrors;
        try
        {
            (spec, parseErrors) = ChannelSpec.Parse(new ChannelRequest(name, type,
                complete is null ? null : JsonSerializer.SerializeToElement(complete)));
        }
        catch (JsonException ex)
        {
            Fail(JsonPath(path, ex.Path), $"Wrong type or unknown field: {ex.Message}");
            return;
        }
        if (spec is null)
        {
            Fail(path, parseErrors);
            return;
        }

        var channel = existing ?? new Channel { Id = channelIds[spec.Name], TenantId = tenantId, CreatedAt = now };
        channel.Apply(spec, now);
        if (existing is null)
            db.Channels.Add(channel);
        Report(existing is null, ConfigDocument.Channels, spec.Name);
        Publish(channel.ToUpserted(spec, now));
    }

    /// Puts the stored value where a reference stands, or says why it cannot.
    bool Resolve(JsonObject parent, string key, string at, string? objectName, string refName, string refField, string expectedField,
        string? stored, bool exists, bool keptByDelivery = false)
    {
        if (refName != objectName || refField != expectedField)
        {
            Fail(at, $"The reference names '{refName}/{refField}', but stands at '{objectName}/{expectedField}': a reference keeps the stored value of this very field.");
            return false;
        }
        if (!exists)
        {
            Fail(at, $"No object named '{objectName}' exists yet, so its secret cannot be kept: give the value instead of the reference.");
            return false;
        }
        if (keptByDelivery || stored is null)
        {
            Fail(at, keptByDelivery
                ? "This channel changes, and Delivery keeps its secrets and takes the settings whole: give the secret's value with the change (the Gateway has no copy)."
                : "Nothing is stored for this secret: give its value.");
            return false;
        }
        parent[key] = expectedField == "headers" ? JsonNode.Parse(stored) : stored;
        return true;
    }

    // ---- escalation policies ----

    void ApplyPolicy(string path, JsonObject item, Dictionary<string, object> byName, ConfigDocument.Names names)
    {
        if (!Fields(path, item, ConfigDocument.PolicyFields))
            return;
        var request = new JsonObject { ["name"] = item["name"]?.DeepClone() };
        var ok = true;
        if (item["levels"] is JsonArray levels)
        {
            var converted = new JsonArray();
            for (var i = 0; i < levels.Count; i++)
            {
                var at = $"{path}.levels[{i}]";
                if (levels[i] is not JsonObject level)
                {
                    Fail(at, "A level must be a mapping.");
                    ok = false;
                    continue;
                }
                ok &= Fields(at, level, ConfigDocument.LevelFields);
                converted.Add(new JsonObject
                {
                    ["afterConsecutiveFailures"] = level["afterConsecutiveFailures"]?.DeepClone(),
                    ["afterMinutes"] = level["afterMinutes"]?.DeepClone(),
                    ["channelIds"] = Ids(level["channels"], channelIds, $"{at}.channels", "channel", ref ok),
                });
            }
            request["levels"] = converted;
        }
        else if (item["levels"] is not null)
        {
            Fail($"{path}.levels", "Levels must be a list.");
            ok = false;
        }
        if (!ok || Deserialize<EscalationPolicyRequest>(path, request) is not { } r)
            return;
        var (spec, parseErrors) = EscalationPolicySpec.Parse(r);
        if (spec is null)
        {
            Fail(path, parseErrors);
            return;
        }

        var existing = Existing<EscalationPolicy>(byName, spec.Name);
        var candidate = existing is null
            ? new EscalationPolicy { Id = policyIds[spec.Name], TenantId = tenantId, CreatedAt = now }
            : new EscalationPolicy { Id = existing.Id, TenantId = tenantId, CreatedAt = existing.CreatedAt };
        candidate.Apply(spec, now);
        if (existing is not null && JsonNode.DeepEquals(ConfigDocument.PolicyNode(existing, names), ConfigDocument.PolicyNode(candidate, names)))
        {
            unchanged.Add($"{ConfigDocument.EscalationPolicies}/{spec.Name}");
            return;
        }
        var policy = existing ?? candidate;
        if (existing is null)
            db.EscalationPolicies.Add(policy);
        else
            existing.Apply(spec, now);
        Report(existing is null, ConfigDocument.EscalationPolicies, spec.Name);
        Publish(policy.ToUpserted(now));
    }

    // ---- monitors ----

    (string, Monitor, MonitorSpec)? ApplyMonitor(string path, JsonObject item, Dictionary<string, object> byName, ConfigDocument.Names names)
    {
        if (!Fields(path, item, ConfigDocument.MonitorFields))
            return null;
        var name = NameOf(item);
        var existing = Existing<Monitor>(byName, name);
        var request = item.DeepClone().AsObject();
        var ok = true;
        request.Remove("channels");
        request.Remove("escalationPolicy");
        request.Remove("parentMonitor");
        request.Remove("paused");
        request["channelIds"] = Ids(item["channels"], channelIds, $"{path}.channels", "channel", ref ok);
        request["escalationPolicyId"] = Id(item["escalationPolicy"], policyIds, $"{path}.escalationPolicy", "escalation policy", ref ok);
        request["parentMonitorId"] = Id(item["parentMonitor"], monitorIds, $"{path}.parentMonitor", "monitor", ref ok);
        var paused = false;
        if (item["paused"] is JsonValue p && p.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            paused = p.GetValue<bool>();
        else if (item["paused"] is not null)
        {
            Fail($"{path}.paused", "Paused must be true or false.");
            ok = false;
        }

        var stored = existing is null ? null : (JsonObject)ConfigDocument.MonitorNode(existing, names, withSecrets: true);
        foreach (var secret in ConfigDocument.MonitorSecrets)
            if (ConfigDocument.Locate(request, secret) is ({ } parent, var key)
                && ConfigDocument.TryParseReference(parent[key], out var refName, out var refField))
            {
                var value = stored is null ? null : ConfigDocument.Locate(stored, secret) is ({ } storedParent, var storedKey)
                    ? storedParent[storedKey]?.GetValue<string>() : null;
                ok &= Resolve(parent, key, $"{path}.{secret}", name, refName, refField, secret, value, existing is not null);
            }
        if (!ok || Deserialize<MonitorRequest>(path, request) is not { } r)
            return null;
        var (spec, parseErrors) = MonitorSpec.Parse(r, minIntervalSeconds);
        if (spec is null)
        {
            Fail(path, parseErrors);
            return null;
        }

        var candidate = new Monitor { Id = existing?.Id ?? monitorIds[spec.Name], TenantId = tenantId, CreatedAt = existing?.CreatedAt ?? now };
        candidate.Apply(spec, now);
        candidate.Paused = paused;
        if (existing is not null && JsonNode.DeepEquals(stored, ConfigDocument.MonitorNode(candidate, names, withSecrets: true)))
        {
            unchanged.Add($"{ConfigDocument.Monitors}/{spec.Name}");
            return null;
        }
        var monitor = existing ?? candidate;
        if (existing is null)
            db.Monitors.Add(candidate);
        else
        {
            existing.Apply(spec, now);
            if (existing.Paused != paused)
                existing.SetPaused(paused, now);
        }
        Report(existing is null, ConfigDocument.Monitors, spec.Name);
        return (path, monitor, spec);
    }

    /// After all monitors are saved: a parent chain must not loop (the REST check, run on the new state).
    async Task CheckParentsAsync(List<(string Path, Monitor Monitor, MonitorSpec Spec)> applied, CancellationToken ct)
    {
        foreach (var (path, monitor, spec) in applied)
        {
            if (spec.ParentMonitorId is not null
                && await MonitorReferences.ValidateAsync(db, tenantId, monitor.Id, spec with { ChannelIds = [], EscalationPolicyId = null }, ct) is { Count: > 0 } problems)
                Fail(path, problems.ToDictionary(p => p.Key, p => p.Value));
            Publish(monitor.ToUpserted(now));
            ChangedMonitors.Add(monitor.Id);
        }
    }

    // ---- alert rules and maintenance windows ----

    void ApplyRule(string path, JsonObject item, Dictionary<string, object> byName, ConfigDocument.Names names)
    {
        if (!Fields(path, item, ConfigDocument.RuleFields))
            return;
        var ok = true;
        var request = new JsonObject
        {
            ["name"] = item["name"]?.DeepClone(),
            ["monitorIds"] = Ids(item["monitors"], monitorIds, $"{path}.monitors", "monitor", ref ok),
            ["tags"] = item["tags"]?.DeepClone(),
            ["consecutiveFailures"] = item["consecutiveFailures"]?.DeepClone(),
            ["channelIds"] = Ids(item["channels"], channelIds, $"{path}.channels", "channel", ref ok),
            ["maxAlertsPerHour"] = item["maxAlertsPerHour"]?.DeepClone(),
        };
        if (!ok || Deserialize<AlertRuleRequest>(path, request) is not { } r)
            return;
        var (spec, parseErrors) = AlertRuleSpec.Parse(r);
        if (spec is null)
        {
            Fail(path, parseErrors);
            return;
        }
        var existing = Existing<AlertRule>(byName, spec.Name);
        var candidate = new AlertRule { Id = existing?.Id ?? Guid.CreateVersion7(now), TenantId = tenantId, CreatedAt = existing?.CreatedAt ?? now };
        candidate.Apply(spec, now);
        if (existing is not null && JsonNode.DeepEquals(ConfigDocument.RuleNode(existing, names), ConfigDocument.RuleNode(candidate, names)))
        {
            unchanged.Add($"{ConfigDocument.AlertRules}/{spec.Name}");
            return;
        }
        if (existing is null)
            db.AlertRules.Add(candidate);
        else
            existing.Apply(spec, now);
        Report(existing is null, ConfigDocument.AlertRules, spec.Name);
        Publish((existing ?? candidate).ToUpserted(now));
    }

    void ApplyWindow(string path, JsonObject item, Dictionary<string, object> byName, ConfigDocument.Names names)
    {
        if (!Fields(path, item, ConfigDocument.WindowFields))
            return;
        var ok = true;
        var request = item.DeepClone().AsObject();
        request.Remove("monitors");
        request["monitorIds"] = Ids(item["monitors"], monitorIds, $"{path}.monitors", "monitor", ref ok);
        if (!ok || Deserialize<MaintenanceWindowRequest>(path, request) is not { } r)
            return;
        var (spec, parseErrors) = MaintenanceWindowSpec.Parse(r);
        if (spec is null)
        {
            Fail(path, parseErrors);
            return;
        }
        var existing = Existing<MaintenanceWindow>(byName, spec.Name);
        var candidate = new MaintenanceWindow { Id = existing?.Id ?? Guid.CreateVersion7(now), TenantId = tenantId, CreatedAt = existing?.CreatedAt ?? now };
        candidate.Apply(spec, now);
        if (existing is not null && JsonNode.DeepEquals(ConfigDocument.WindowNode(existing, names), ConfigDocument.WindowNode(candidate, names)))
        {
            unchanged.Add($"{ConfigDocument.MaintenanceWindows}/{spec.Name}");
            return;
        }
        if (existing is null)
            db.MaintenanceWindows.Add(candidate);
        else
            existing.Apply(spec, now);
        Report(existing is null, ConfigDocument.MaintenanceWindows, spec.Name);
        Publish((existing ?? candidate).ToUpserted(now));
    }

    // ---- SLOs ----

    void ApplySlo(string path, JsonObject item, Dictionary<string, object> byName, ConfigDocument.Names names)
    {
        if (!Fields(path, item, ConfigDocument.SloFields))
            return;
        var ok = true;
        var request = item.DeepClone().AsObject();
        request.Remove("monitor");
        request.Remove("channels");
        request["monitorId"] = Id(item["monitor"], monitorIds, $"{path}.monitor", "monitor", ref ok);
        request["channelIds"] = Ids(item["channels"], channelIds, $"{path}.channels", "channel", ref ok);
        if (!ok || Deserialize<SloRequest>(path, request) is not { } r)
            return;
        var (spec, parseErrors) = SloSpec.Parse(r);
        if (spec is null)
        {
            Fail(path, parseErrors);
            return;
        }
        var existing = Existing<Slo>(byName, spec.Name);
        var candidate = new Slo { Id = existing?.Id ?? Guid.CreateVersion7(now), TenantId = tenantId, CreatedAt = existing?.CreatedAt ?? now };
        candidate.Apply(spec, now);
        if (existing is not null && JsonNode.DeepEquals(ConfigDocument.SloNode(existing, names), ConfigDocument.SloNode(candidate, names)))
        {
            unchanged.Add($"{ConfigDocument.Slos}/{spec.Name}");
            return;
        }
        if (existing is null)
            db.Slos.Add(candidate);
        else
            existing.Apply(spec, now);
        Report(existing is null, ConfigDocument.Slos, spec.Name);
        Publish((existing ?? candidate).ToUpserted(now));
    }

    // ---- status pages ----

    /// Matched by slug. Pages are Gateway-only configuration, so, as in their REST API, no catalog event is published.
    async Task ApplyStatusPageAsync(string path, JsonObject item, Dictionary<string, object> bySlug, ConfigDocument.Names names, CancellationToken ct)
    {
        if (!Fields(path, item, ConfigDocument.StatusPageFields))
            return;
        var ok = true;
        var request = item.DeepClone().AsObject();
        if (item["groups"] is JsonArray groups)
        {
            var converted = new JsonArray();
            for (var i = 0; i < groups.Count; i++)
            {
                var at = $"{path}.groups[{i}]";
                if (groups[i] is not JsonObject group)
                {
                    Fail(at, "A group must be a mapping.");
                    ok = false;
                    continue;
                }
                ok &= Fields(at, group, ConfigDocument.StatusPageGroupFields);
                converted.Add(new JsonObject
                {
                    ["name"] = group["name"]?.DeepClone(),
                    ["monitorIds"] = Ids(group["monitors"], monitorIds, $"{at}.monitors", "monitor", ref ok),
                });
            }
            request["groups"] = converted;
        }
        else if (item["groups"] is not null)
        {
            Fail($"{path}.groups", "Groups must be a list.");
            ok = false;
        }
        if (!ok || Deserialize<StatusPageRequest>(path, request) is not { } r)
            return;
        var (spec, parseErrors) = StatusPageSpec.Parse(r);
        if (spec is null)
        {
            Fail(path, parseErrors);
            return;
        }
        // Slugs and domains are URLs on one shared host: another tenant's page holding one is an error of this file.
        // This tenant's own pages collide only with each other, which the unique indexes catch on save.
        if (await StatusPageEndpoints.TakenAsync(db.StatusPages.Where(p => p.TenantId != tenantId), spec, ct) is { Count: > 0 } taken)
        {
            Fail(path, taken);
            return;
        }

        var existing = Existing<StatusPage>(bySlug, spec.Slug);
        var candidate = new StatusPage { Id = existing?.Id ?? Guid.CreateVersion7(now), TenantId = tenantId, CreatedAt = existing?.CreatedAt ?? now };
        candidate.Apply(spec, now);
        if (existing is not null && JsonNode.DeepEquals(ConfigDocument.StatusPageNode(existing, names), ConfigDocument.StatusPageNode(candidate, names)))
        {
            unchanged.Add($"{ConfigDocument.StatusPages}/{spec.Slug}");
            return;
        }
        if (existing is null)
            db.StatusPages.Add(candidate);
        else
            existing.Apply(spec, now);
        Report(existing is null, ConfigDocument.StatusPages, spec.Slug);
        ChangedStatusPages.Add(spec.Slug);
    }

    // ---- shared steps ----

    /// A constraint of the catalog (e.g. a heartbeat slug taken twice) is one more error of the file, not a 500.
    async Task<bool> SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation } unique)
        {
            Fail(unique.TableName == "status_pages" ? ConfigDocument.StatusPages : ConfigDocument.Monitors,
                $"Two objects would share a unique value ({unique.ConstraintName}).");
            return false;
        }
    }

    /// The section's entries with their paths ("monitors[2]"); a section that is not a list of mappings is an error.
    List<(string Path, JsonObject Item)> Items(JsonObject root, string section)
    {
        var items = new List<(string, JsonObject)>();
        if (root[section] is null)
            return items;
        if (root[section] is not JsonArray array)
        {
            Fail(section, $"{section} must be a list.");
            return items;
        }
        for (var i = 0; i < array.Count; i++)
            if (array[i] is JsonObject item)
                items.Add(($"{section}[{i}]", item));
            else
                Fail($"{section}[{i}]", "Each entry must be a mapping.");
        return items;
    }

    /// Existing objects by name (a name held by several is an error only if the file names it), and the ids the
    /// file's names resolve to. `key` is the field that identifies an entry of the section (its name, or a slug).
    Dictionary<string, object> Index<T>(string section, Dictionary<string, List<(string Path, JsonObject Item)>> sections, List<T> rows,
        Func<T, string> name, Func<T, Guid> id, Dictionary<string, Guid> ids, string key = NameKey) where T : class
    {
        var byName = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var group in rows.GroupBy(name, StringComparer.Ordinal))
            byName[group.Key] = group.Count() == 1 ? group.Single() : group.ToList();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, item) in sections[section])
        {
            if (KeyOf(item, key) is not { } itemName)
                continue; // Parse reports the missing name
            if (seen.TryGetValue(itemName, out var first))
            {
                Fail($"{path}.{key}", $"'{itemName}' is already the {key} of {first}; {key}s are unique within a section.");
                skipped.Add(path);
                continue;
            }
            seen[itemName] = path;
            switch (byName.GetValueOrDefault(itemName))
            {
                case T row:
                    ids[itemName] = id(row);
                    break;
                case List<T> several:
                    Fail($"{path}.name", $"{several.Count} existing {section} are named '{itemName}': rename them so the name picks one.");
                    skipped.Add(path);
                    break;
                default:
                    ids[itemName] = Guid.CreateVersion7(now);
                    break;
            }
        }
        if (!prune)
            foreach (var (rowName, value) in byName)
                if (value is T row)
                    ids.TryAdd(rowName, id(row));
        return byName;
    }

    static T? Existing<T>(Dictionary<string, object> byName, string? name) where T : class =>
        name is not null && byName.GetValueOrDefault(name) is T row ? row : null;

    static Dictionary<Guid, string> Invert<T>(Dictionary<string, Guid> ids, List<T> rows, Func<T, Guid> id, Func<T, string> name)
    {
        var names = rows.ToDictionary(id, name);
        foreach (var (n, i) in ids)
            names[i] = n;
        return names;
    }

    void Prune<T>(string section, List<T> rows, Dictionary<string, List<(string Path, JsonObject Item)>> sections, Func<T, string> name, Action<T> delete,
        string key = NameKey)
    {
        var keep = sections[section].Select(s => KeyOf(s.Item, key)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var row in rows.Where(r => !keep.Contains(name(r))).OrderBy(name, StringComparer.Ordinal))
        {
            delete(row);
            deleted.Add($"{section}/{name(row)}");
        }
    }

    const string NameKey = "name", SlugKey = "slug";

    static string? NameOf(JsonObject item) => KeyOf(item, NameKey);

    static string? KeyOf(JsonObject item, string key) =>
        item[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>().Trim() : null;

    bool Fields(string path, JsonObject item, HashSet<string> allowed)
    {
        var ok = true;
        foreach (var (key, _) in item)
            if (!allowed.Contains(key))
            {
                Fail($"{path}.{key}", $"Unknown field '{key}'.");
                ok = false;
            }
        return ok;
    }

    JsonArray? Ids(JsonNode? names, Dictionary<string, Guid> ids, string at, string what, ref bool ok)
    {
        if (names is null)
            return null;
        if (names is not JsonArray list)
        {
            Fail(at, $"Must be a list of {what} names.");
            ok = false;
            return null;
        }
        var result = new JsonArray();
        foreach (var entry in list)
            if (Id(entry, ids, at, what, ref ok) is { } id)
                result.Add(id);
        return result;
    }

    JsonNode? Id(JsonNode? name, Dictionary<string, Guid> ids, string at, string what, ref bool ok)
    {
        if (name is null)
            return null;
        if (name is JsonValue v && v.GetValueKind() == JsonValueKind.String && ids.TryGetValue(v.GetValue<string>().Trim(), out var id))
            return JsonValue.Create(id.ToString());
        Fail(at, prune
            ? $"No {what} named '{name.ToJsonString().Trim('"')}' is in the file (with prune, names must be in the file)."
            : $"No {what} named '{name.ToJsonString().Trim('"')}' is in the file or exists.");
        ok = false;
        return null;
    }

    T? Deserialize<T>(string path, JsonObject request) where T : class
    {
        try
        {
            return request.Deserialize<T>(ConfigDocument.Json);
        }
        catch (JsonException ex)
        {
            Fail(JsonPath(path, ex.Path), $"Wrong type or unknown field: {ex.Message.Split(" Path:")[0]}");
            return null;
        }
    }

    static string JsonPath(string path, string? jsonPath) =>
        jsonPath is null or "$" ? path : path + "." + Renamed(jsonPath.TrimStart('$').TrimStart('.'));

    void Report(bool isNew, string section, string name) => (isNew ? created : updated).Add($"{section}/{name}");

    void Publish<TMessage>(TMessage message) where TMessage : class => db.Outbox.Add(OutboxMessage.Publish(message, now));

    void Fail(string path, IDictionary<string, string[]> fieldErrors)
    {
        foreach (var (field, messages) in fieldErrors)
            foreach (var message in messages)
                Fail($"{path}.{Renamed(field)}", message);
    }

    void Fail(string path, string message)
    {
        if (!errors.TryGetValue(path, out var list))
            errors[path] = list = [];
        list.Add(message);
    }

    /// The REST field names of references, as the file spells them.
    static string Renamed(string field) => string.Join('.', field.Split('.').Select(part =>
    {
        var bracket = part.IndexOf('[');
        var head = bracket < 0 ? part : part[..bracket];
        var rest = bracket < 0 ? "" : part[bracket..];
        return head switch
        {
            "channelIds" => "channels",
            "monitorIds" => "monitors",
            "escalationPolicyId" => "escalationPolicy",
            "parentMonitorId" => "parentMonitor",
            _ => head,
        } + rest;
    }));
}
