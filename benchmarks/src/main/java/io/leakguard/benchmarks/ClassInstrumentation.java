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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What leakguard's transformer costs with the JIT warm, against defining every class of an application in a new
 * loader. The fixtures are small classes, most of them making instrumented calls; {@code libraries} stands for a large
 * application: Tomcat, the Servlet API, JMH and ASM, a few thousand classes of real code, from the benchmark jar. Both
 * are defined from memory, the harshest comparison; {@code libraries-jar} reads each class from a compressed jar first,
 * as Tomcat's loader does. Whole loads with and without instrumentation are compared by {@link TomcatClassLoading},
 * side by side in one JVM: JMH would run them in two, which differ by more than instrumentation costs. Run with
 * {@code ./benchmarks/run ClassInstrumentation}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ClassInstrumentation {

    @Param({"fixtures", "libraries", "libraries-jar"})
    String application;

    private final SiteTransformer transformer = new SiteTransformer();
    private ApplicationClasses classes;

    @Setup
    public void read() {
        classes = application.equals("fixtures") ? ApplicationClasses.fixtures(Path.of("fixtures"))
                : ApplicationClasses.library("org/apache/", "jakarta/", "org/openjdk/jmh/", "org/objectweb/asm/");
        if (application.endsWith("-jar")) {
            classes = classes.inJar();
        }
        int plain = classes.defineAll(getClass().getClassLoader(), null);
        int instrumented = classes.defineAll(getClass().getClassLoader(), transformer);
        if (plain != instrumented) {
            throw new IllegalStateException("instrumented, " + instrumented + " of the " + classes.size() + " "
                    + application + " classes define; as they come, " + plain);
        }
        System.out.println(application + " classes defined per operation: " + plain + " of " + classes.size()
                + "; instrumented: " + classes.transformAll(transformer));
    }

    @Benchmark
    public int defineAsTheyCome() {
        return classes.defineAll(getClass().getClassLoader(), null);
    }

    /** The transformer alone over every class, nothing defined. */
    @Benchmark
    public int transformOnly() {
        return classes.transformAll(transformer);
    }
}
