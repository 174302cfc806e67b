using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Sentinel.ServiceDefaults.Outbox;

namespace Sentinel.AlertEvaluation.Migrations;

/// The outbox relay wakes on commit (OutboxNotifications): no model change, only the trigger.
[DbContext(typeof(AlertingDb))]
[Migration("20261207120000_OutboxNotify")]
public sealed class OutboxNotify() : OutboxNotifyMigration(AlertingDb.Schema);
