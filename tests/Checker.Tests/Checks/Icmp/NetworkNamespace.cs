using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Sentinel.Checker.Tests.Checks.Icmp;

/// A network namespace made for one test (`ip netns add sentinel-icmp-<random>`), with its own loopback up, and a way
/// to run code inside it. Its sysctls are its own: `net.ipv4.icmp_echo_ignore_all` set here never touches the host.
///
/// Code runs on a dedicated thread that joined the namespace with setns(2), which moves only the calling thread. A
/// socket belongs to the namespace of the thread that creates it, so everything that might create one (.NET's Ping
/// opens a raw ICMP socket synchronously inside SendPingAsync) must run on that thread: the code runs under a
/// single-threaded SynchronizationContext, so every continuation of an `await` without ConfigureAwait(false) comes
/// back to it. The thread is never returned to a pool; it ends with the call.
public sealed class NetworkNamespace : IDisposable
{
    const int CloneNewNet = 0x40000000;
    const int ReadOnly = 0;     // O_RDONLY
    const int CloseOnExec = 0x80000; // O_CLOEXEC

    NetworkNamespace(string name) => Name = name;

    public string Name { get; }

    string Path => $"/var/run/netns/{Name}";

    /// Fails (never skips) when namespaces cannot be made: the no-reply tests would otherwise prove nothing.
    public static NetworkNamespace Create()
    {
        var name = $"sentinel-icmp-{Guid.NewGuid().ToString("N")[..8]}";
        var (exit, output) = Ip("netns", "add", name);
        if (exit != 0)
            Assert.Fail($"`ip netns add {name}` failed with exit code {exit}: {output.Trim()}. These tests need root " +
                        "(CAP_SYS_ADMIN) and iproute2 to make a network namespace of their own; they never use another address.");

        var created = new NetworkNamespace(name);
        try
        {
            created.Exec("ip", "link", "set", "lo", "up");
            return created;
        }
        catch
        {
            created.Dispose();
            throw;
        }
    }

    /// Whether the kernel of this namespace ignores echo requests, i.e. whether its 127.0.0.1 answers a ping.
    public void IgnoreEchoRequests(bool ignore) =>
        Exec("sysctl", "-w", $"net.ipv4.icmp_echo_ignore_all={(ignore ? 1 : 0)}");

    /// Runs `action` on a thread inside the namespace and returns its result. Checks first that the thread really is
    /// in this namespace (its /proc/thread-self/ns/net is the namespace's), so a silent setns failure cannot pass
    /// as a lost echo.
    public T Run<T>(Func<Task<T>> action, TimeSpan timeout)
    {
        var expected = Exec("readlink", "/proc/self/ns/net").Trim();
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Enter(expected);
                result = SingleThreadContext.Run(action);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        })
        {
            IsBackground = true, // a hung check must not keep the test host alive
            Name = $"netns {Name}",
        };
        thread.Start();
        if (!thread.Join(timeout))
            Assert.Fail($"code in network namespace {Name} did not finish within {timeout}");
        if (failure is not null)
            throw new InvalidOperationException($"code in network namespace {Name} failed", failure);
        return result;
    }

    void Enter(string expected)
    {
        var fd = Open(Path, ReadOnly | CloseOnExec);
        if (fd < 0)
            throw new InvalidOperationException($"open {Path} failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (SetNs(fd, CloneNewNet) != 0)
                throw new InvalidOperationException($"setns({Path}, CLONE_NEWNET) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            _ = Close(fd);
        }

        var actual = new FileInfo("/proc/thread-self/ns/net").LinkTarget;
        if (actual != expected)
            throw new InvalidOperationException($"thread is in {actual} after setns, expected {Name} ({expected})");
    }

    string Exec(params string[] command)
    {
        var (exit, output) = Ip(["netns", "exec", Name, .. command]);
        if (exit != 0)
            throw new InvalidOperationException($"`ip netns exec {Name} {string.Join(' ', command)}` failed ({exit}): {output.Trim()}");
        return output;
    }

    /// Deletes the namespace; a namespace left behind fails the test rather than piling up unseen.
    public void Dispose()
    {
        var (exit, output) = Ip("netns", "del", Name);
        if (exit != 0)
            throw new InvalidOperationException($"`ip netns del {Name}` failed ({exit}), the namespace is left behind: {output.Trim()}");
    }

    static (int Exit, string Output) Ip(params string[] arguments)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        Process? started;
        try
        {
            started = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"could not run `ip` (iproute2), needed to make network namespaces: {ex.Message}", ex);
        }
        using var process = started ?? throw new InvalidOperationException($"could not start `ip {string.Join(' ', arguments)}`");
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill();
            throw new TimeoutException($"`ip {string.Join(' ', arguments)}` did not exit within 30 s");
        }
        return (process.ExitCode, output + errors.Result);
    }

    /// Runs an async delegate to completion on the current thread: continuations are queued here and run here.
    sealed class SingleThreadContext : SynchronizationContext
    {
        readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> queue = [];

        public static T Run<T>(Func<Task<T>> action)
        {
            var previous = Current;
            var context = new SingleThreadContext();
            SetSynchronizationContext(context);
            try
            {
                var task = action();
                task.ContinueWith(_ => context.queue.CompleteAdding(), TaskScheduler.Default);
                foreach (var (callback, state) in context.queue.GetConsumingEnumerable())
                    callback(state);
                return task.GetAwaiter().GetResult();
            }
            finally
            {
                SetSynchronizationContext(previous);
            }
        }

        public override void Post(SendOrPostCallback d, object? state) => queue.Add((d, state));

        public override void Send(SendOrPostCallback d, object? state) =>
            throw new NotSupportedException("synchronous Send into the namespace thread would deadlock");

        public override SynchronizationContext CreateCopy() => this;
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    static extern int SetNs(int fd, int nsType);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    static extern int Close(int fd);
}
