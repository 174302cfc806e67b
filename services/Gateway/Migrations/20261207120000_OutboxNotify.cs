using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.Gateway.Migrations;

/// The outbox relay wakes on commit (OutboxNotifications): no model change, only the trigger.
[DbContext(typeof(CatalogDb))]
[Migration("20261207120000_OutboxNotify")]
public sealed class OutboxNotify() : OutboxNotifyMigration(CatalogDb.Schema);
