namespace Sentinel.Testing;

/// Waits on real systems by polling with a deadline, never by a fixed sleep.
public static class Poll
{
    public static async Task<T> UntilAsync<T>(
        Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last = await probe();
        while (!done(last))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0}s waiting for {what}; last seen: {last}");
            await Task.Delay(200);
            last = await probe();
        }
        return last;
    }
}
