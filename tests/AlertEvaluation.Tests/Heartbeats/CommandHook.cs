using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Sentinel.AlertEvaluation.Tests.Heartbeats;

/// Runs an action once, right after the service (in this process) executes the first EF command that matches: a
/// concurrent writer committing between two statements of a consumer, at exactly that point.
public sealed class CommandHook : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    readonly Func<DbCommand, bool> match;
    readonly Action action;
    readonly IDisposable allListeners;
    readonly List<IDisposable> subscriptions = [];
    int fired;

    CommandHook(Func<DbCommand, bool> match, Action action)
    {
        this.match = match;
        this.action = action;
        allListeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    public static CommandHook After(Func<DbCommand, bool> match, Action action) => new(match, action);

    public bool Fired => Volatile.Read(ref fired) == 1;

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
            lock (subscriptions)
                subscriptions.Add(listener.Subscribe(this, name => name == RelationalEventId.CommandExecuted.Name));
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> e)
    {
        if (e.Value is CommandExecutedEventData data && match(data.Command) && Interlocked.Exchange(ref fired, 1) == 0)
            action();
    }

    public void Dispose()
    {
        allListeners.Dispose();
        lock (subscriptions)
            subscriptions.ForEach(s => s.Dispose());
    }

    void IObserver<DiagnosticListener>.OnCompleted() { }
    void IObserver<DiagnosticListener>.OnError(Exception error) { }
    void IObserver<KeyValuePair<string, object?>>.OnCompleted() { }
    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error) { }
}
