package io.leakguard.cleanup;

/**
 * A thread that hosts a plugin and gives the plugin's class loader as its context class loader and the plugin's stack
 * as its own: once the plugin is unloaded, as a stop does, it fails to give either, and while {@link #loading} it waits
 * for the plugin until the test's {@link CallbackGate} releases it. Once started, it refuses another loader. Engine tests make it from their own loader, as a
 * library's thread, or through a {@link DyingLoader}, as an application's. It runs its task, if any, then polls, and
 * takes an interrupt for a poll cut short: it ends only once the test sets {@link #stopped}.
 */
public final class PluginHostThread extends Thread {

    public volatile boolean stopped;
    public volatile boolean loading;

    public PluginHostThread() {
    }

    public PluginHostThread(Runnable task) {
        super(task);
    }

    @Override
    public void run() {
        super.run();
        while (!stopped) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                // polls again
            }
        }
    }

    @Override
    public ClassLoader getContextClassLoader() {
        throw unloaded();
    }

    @Override
    public void setContextClassLoader(ClassLoader loader) {
        if (isAlive()) {
            throw new UnsupportedOperationException("the plugin's loader is set once");
        }
        super.setContextClassLoader(loader);
    }

    @Override
    public StackTraceElement[] getStackTrace() {
        throw unloaded();
    }

    private IllegalStateException unloaded() {
        if (loading) {
            CallbackGate.current().awaitRelease();
        }
        return new IllegalStateException("no plugin loaded");
    }
}
