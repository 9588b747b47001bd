package io.leakguard.benchmarks.request;

import java.util.function.IntFunction;

/**
 * What a web application's code does on every request, among the calls leakguard instruments: put the request's
 * context in a ThreadLocal, read it back, time the work with something that has a {@code start()} method, render into
 * a per-thread buffer, and remove the context again. Loaded by the benchmark into a loader of its own, as it comes or
 * instrumented.
 */
public final class Handler implements IntFunction<String> {

    private static final ThreadLocal<RequestContext> CURRENT = new ThreadLocal<>();
    private static final ThreadLocal<StringBuilder> BUFFER = ThreadLocal.withInitial(() -> new StringBuilder(256));

    @Override
    public String apply(int request) {
        StopWatch watch = new StopWatch();
        watch.start();
        CURRENT.set(new RequestContext(request, "user-" + (request & 15)));
        try {
            return render() + watch.elapsedNanos();
        } finally {
            CURRENT.remove();
        }
    }

    private static String render() {
        RequestContext context = CURRENT.get();
        StringBuilder out = BUFFER.get();
        out.setLength(0);
        out.append("<p>Hello ").append(context.user()).append(", this is request ").append(context.id())
                .append("</p> in ");
        return out.toString();
    }
}
