package io.leakguard.benchmarks;

import io.leakguard.cleanup.Policy;
import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.sites.SiteTransformer;
import io.leakguard.testing.EmbeddedTomcat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.Context;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * What {@code creationSites} costs where it runs: each shot deploys a web application to an embedded Tomcat, with
 * leakguard's loader (Tomcat's {@code ParallelWebappClassLoader}, plus the transformer when creationSites is on), and
 * loads every one of its classes through it, as requests would, from its jar under {@code WEB-INF/lib}
 * ({@code libraries}: commons-math, JMH, ASM and jopt-simple, the libraries of the benchmark jar that Tomcat's loader
 * does not leave to the server) or from {@code WEB-INF/classes} ({@code fixtures}: every fixture's classes, most of
 * them making instrumented calls). A class is loaded once in a JVM's life, with a cold JIT, so each shot is one load
 * of every class, timed alone. The transformer alone over the same classes is timed the same way. Run with
 * {@code ./benchmarks/run TomcatClassLoading} after building the fixtures.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10)
@Measurement(iterations = 30)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED", "-Djava.util.logging.config.file=/dev/null"})
@State(Scope.Benchmark)
public class TomcatClassLoading {

    @Param({"libraries", "fixtures"})
    String application;

    private final SiteTransformer transformer = new SiteTransformer();
    private ApplicationClasses classes;
    private Path webapp;
    private EmbeddedTomcat tomcat;
    /** The classes the application's loader defines itself, not those it finds in the server or cannot link. */
    private List<String> own;
    private Context context;
    private int deployed;

    /**
     * Finds the classes the application's loader defines itself, through a loader set up as the measured shots' are:
     * Tomcat's loading code, compiled while no transformer was attached, would otherwise be recompiled during the
     * first shots with one.
     */
    @Setup(Level.Trial)
    public void start(BenchmarkParams benchmark) throws ClassNotFoundException {
        boolean libraries = application.equals("libraries");
        classes = libraries
                ? ApplicationClasses.library("org/apache/commons/", "org/openjdk/jmh/", "org/objectweb/asm/",
                        "joptsimple/")
                : ApplicationClasses.fixtures(Path.of("fixtures"));
        webapp = classes.webapp(libraries);
        tomcat = EmbeddedTomcat.start();
        own = new ArrayList<>();
        deploy(instrumented(benchmark));
        ClassLoader loader = context.getLoader().getClassLoader();
        for (String name : classes.names()) {
            try {
                if (loader.loadClass(name).getClassLoader() == loader) {
                    own.add(name);
                }
            } catch (ClassNotFoundException | LinkageError e) {
                // Needs a class of the server's lib or of an optional dependency; the same with the transformer.
            }
        }
        undeploy();
        System.out.println(application + ": " + own.size() + " of " + classes.size() + " classes loaded by the "
                + "application's own loader per shot; " + classes.transformAll(transformer) + " instrumented");
    }

    @Setup(Level.Iteration)
    public void deploy(BenchmarkParams benchmark) {
        if (benchmark.getBenchmark().endsWith("transformerAlone")) {
            return;
        }
        deploy(instrumented(benchmark));
    }

    private static boolean instrumented(BenchmarkParams benchmark) {
        return benchmark.getBenchmark().endsWith("Instrumented");
    }

    @TearDown(Level.Iteration)
    public void undeploy() {
        if (context != null) {
            tomcat.undeploy(context);
            context = null;
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        tomcat.close();
    }

    @Benchmark
    public int tomcatLoadsInstrumented() throws ClassNotFoundException {
        return loadAll();
    }

    @Benchmark
    public int tomcatLoadsAsTheyCome() throws ClassNotFoundException {
        return loadAll();
    }

    /** The transformer over the bytes of every class of the application, nothing defined. */
    @Benchmark
    public int transformerAlone() {
        return classes.transformAll(transformer);
    }

    private void deploy(boolean instrumented) {
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("creationSites", instrumented ? "on" : "off"));
        context = tomcat.deploy(webapp, "/app" + deployed++, true);
    }

    private int loadAll() throws ClassNotFoundException {
        ClassLoader loader = context.getLoader().getClassLoader();
        int hash = 0;
        for (String name : own) {
            hash += loader.loadClass(name).hashCode();
        }
        return hash;
    }
}
