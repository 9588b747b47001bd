package io.leakguard.benchmarks;

import io.leakguard.sites.CreationSites;
import io.leakguard.sites.SiteTransformer;
import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code creationSites} costs on requests: the same request handler ({@link io.leakguard.benchmarks.request})
 * loaded twice, as it comes and instrumented, and called a thousand times per operation, as a pool thread serves one
 * request after another. Run with {@code ./benchmarks/run RequestLoop}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 15, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class RequestLoop {

    private static final int REQUESTS = 1_000;

    private IntFunction<String> plain;
    private IntFunction<String> instrumented;

    @Setup
    public void load() throws ReflectiveOperationException {
        ApplicationClasses application = ApplicationClasses.library("io/leakguard/benchmarks/request/");
        plain = handler(application.loader(getClass().getClassLoader(), null));
        instrumented = handler(application.loader(getClass().getClassLoader(), new SiteTransformer()));
        if (site(plain) != null || site(instrumented) == null) {
            throw new IllegalStateException("the instrumented handler, and only it, must record its ThreadLocal");
        }
    }

    /** Where the handler's request ThreadLocal was set, after one request. */
    private static String site(IntFunction<String> handler) throws ReflectiveOperationException {
        handler.apply(0);
        Field current = handler.getClass().getDeclaredField("CURRENT");
        current.setAccessible(true);
        return CreationSites.of(current.get(null));
    }

    @SuppressWarnings("unchecked")
    private static IntFunction<String> handler(ClassLoader loader) throws ReflectiveOperationException {
        return (IntFunction<String>) loader.loadClass("io.leakguard.benchmarks.request.Handler")
                .getConstructor().newInstance();
    }

    @Benchmark
    @OperationsPerInvocation(REQUESTS)
    public int requestsAsTheyCome() {
        return serve(plain);
    }

    @Benchmark
    @OperationsPerInvocation(REQUESTS)
    public int requestsInstrumented() {
        return serve(instrumented);
    }

    private static int serve(IntFunction<String> handler) {
        int length = 0;
        for (int request = 0; request < REQUESTS; request++) {
            length += handler.apply(request).length();
        }
        return length;
    }
}
