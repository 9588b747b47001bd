package io.leakguard.benchmarks;

import io.leakguard.cleanup.CleanupEngine;
import io.leakguard.cleanup.Policy;
import io.leakguard.cleanup.Report;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.LifecycleException;
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

/**
 * One full clean-up pass at undeploy, leakguard's against Tomcat's, on the same server: a thousand pool threads with
 * fifty ThreadLocal entries each, none of which leaks, and a web application of twenty thousand loaded classes.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 8, time = 2)
// The flags catalina.sh passes, without which both clean-ups skip their ThreadLocal checks, the bulk of the work, and
// the one more the README asks for, without which leakguard's staticFields and signalHandlers are off.
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
        "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED", "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED",
        "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class CleanupPass {

    private static final CleanupEngine ENGINE = CleanupEngine.standard();

    /** What both clean-ups look at: the server's threads and the web application's classes. */
    @State(Scope.Benchmark)
    public static class Server {

        @Param("1000")
        int threads;

        @Param("50")
        int threadLocals;

        @Param("20000")
        int classes;

        ParkedThreads pool;
        WebappClasses webapp;

        @Setup(Level.Trial)
        public void start() throws InterruptedException {
            pool = new ParkedThreads(threads, threadLocals);
            webapp = new WebappClasses(classes);
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            pool.close();
        }
    }

    /** leakguard's pass only reads unless it finds a leak, so one loader serves every invocation. */
    @State(Scope.Benchmark)
    public static class LeakGuardWebapp {

        WebappLoader loader;

        @Setup(Level.Trial)
        public void load(Server server) {
            loader = new WebappLoader(CleanupPass.class.getClassLoader());
            server.webapp.defineAll(loader);
            Report report = ENGINE.clean(loader, "/bench", Policy.defaults());
            if (!report.findings().isEmpty()) {
                throw new IllegalStateException("the input must not leak, yet: " + report.findings());
            }
        }
    }

    /**
     * Tomcat's pass is destructive: stop() drops the loader's resources, and its JDBC step defines a helper class in
     * the loader, which a second stop of the same loader cannot define again (it would time a LinkageError and its
     * log line instead). So every invocation gets a fresh, started loader with the twenty thousand classes defined,
     * built untimed in an invocation-level setup; a call takes milliseconds, so JMH's per-invocation timestamps cost
     * nothing measurable. The price is wall-clock time: each setup defines every class again.
     */
    @State(Scope.Benchmark)
    public static class TomcatWebappState {

        TomcatWebapp loader;

        @Setup(Level.Invocation)
        public void start(Server server) throws LifecycleException {
            loader = TomcatWebapp.started(server.webapp);
        }

        @TearDown(Level.Invocation)
        public void destroy() {
            loader.destroy();
            loader = null;
        }
    }

    @Benchmark
    public Report leakguardPass(LeakGuardWebapp webapp) {
        return ENGINE.clean(webapp.loader, "/bench", Policy.defaults());
    }

    /**
     * Also times the few map clears stop() does after clearReferences(); they are microseconds next to it. Longer
     * iterations than leakguard's because most of each is the untimed set-up, and the median needs samples.
     */
    @Benchmark
    @Warmup(iterations = 3, time = 5)
    @Measurement(iterations = 6, time = 5)
    public TomcatWebapp tomcatClearReferences(TomcatWebappState webapp) throws LifecycleException {
        webapp.loader.stop();
        return webapp.loader;
    }
}
