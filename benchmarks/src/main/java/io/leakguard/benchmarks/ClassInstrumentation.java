package io.leakguard.benchmarks;

import io.leakguard.sites.SiteTransformer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code creationSites} costs at class loading: every class of the fixture web applications defined in a new
 * loader, as they come and through leakguard's transformer. Run with {@code ./benchmarks/run ClassInstrumentation}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ClassInstrumentation {

    private final SiteTransformer transformer = new SiteTransformer();
    private FixtureClasses fixtures;

    @Setup
    public void read() {
        fixtures = new FixtureClasses(Path.of("fixtures"));
        int plain = fixtures.defineAll(getClass().getClassLoader(), null);
        int instrumented = fixtures.defineAll(getClass().getClassLoader(), transformer);
        if (plain != instrumented) {
            throw new IllegalStateException("instrumented, " + instrumented + " of the " + fixtures.size()
                    + " fixture classes define; as they come, " + plain);
        }
        System.out.println("fixture classes defined per operation: " + plain + " of " + fixtures.size());
    }

    @Benchmark
    public int defineAsTheyCome() {
        return fixtures.defineAll(getClass().getClassLoader(), null);
    }

    @Benchmark
    public int defineInstrumented() {
        return fixtures.defineAll(getClass().getClassLoader(), transformer);
    }
}
