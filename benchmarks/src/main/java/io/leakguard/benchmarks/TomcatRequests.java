package io.leakguard.benchmarks;

import io.leakguard.cleanup.Policy;
import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.EmbeddedTomcat;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code creationSites} costs a request end to end: one embedded Tomcat serving the {@code threadlocal-static}
 * fixture twice, at {@code /with} instrumented and at {@code /without} as it comes, both with leakguard's loader. Each
 * request sets one of the fixture's ThreadLocals and reads the other, over HTTP on the loopback. Run with
 * {@code ./benchmarks/run TomcatRequests} after building the fixtures.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED", "-Djava.util.logging.config.file=/dev/null"})
@State(Scope.Benchmark)
public class TomcatRequests {

    private EmbeddedTomcat tomcat;

    @Setup
    public void deploy() {
        if (System.getProperty("leakguard.fixtures") == null) {
            System.setProperty("leakguard.fixtures",
                    Path.of("fixtures", "threadlocal-static", "target").toAbsolutePath().toString());
        }
        tomcat = EmbeddedTomcat.start();
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("creationSites", "off"));
        tomcat.deploy("threadlocal-static", "/without", true);
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("creationSites", "on"));
        tomcat.deploy("threadlocal-static", "/with", true);
    }

    @TearDown
    public void stop() {
        tomcat.close();
    }

    @Benchmark
    public String getWithCreationSites() {
        return tomcat.get("/with/leak");
    }

    @Benchmark
    public String getWithoutCreationSites() {
        return tomcat.get("/without/leak");
    }
}
