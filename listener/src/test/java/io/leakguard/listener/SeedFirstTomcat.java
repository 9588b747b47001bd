package io.leakguard.listener;

import io.leakguard.testing.EmbeddedTomcat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.function.Consumer;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;

/**
 * A Tomcat that asks SecureRandom for nothing before its first web application does. {@link EmbeddedTomcat} names
 * its base folder with Files.createTempDirectory, whose SecureRandom seeds first and would start the seed generator
 * thread on the test's own loader, hiding the leak this stands to show.
 */
final class SeedFirstTomcat {

    private SeedFirstTomcat() {
    }

    /** Deploys the fixture at /app on stock Tomcat, GETs /app/leak, undeploys, and judges while Tomcat still runs. */
    static void run(String fixture, Consumer<WeakReference<ClassLoader>> verdict) {
        Path baseDir = Paths.get("target", "seed-first-tomcat-" + ProcessHandle.current().pid()).toAbsolutePath();
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.getHost().setAutoDeploy(false);
        try {
            tomcat.start();
            Context context = tomcat.addWebapp("/app", EmbeddedTomcat.fixtureWar(fixture).toString());
            try (InputStream answer = URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort()
                    + "/app/leak").toURL().openStream()) {
                answer.readAllBytes();
            }
            WeakReference<ClassLoader> loader = new WeakReference<>(context.getLoader().getClassLoader());
            tomcat.getHost().removeChild(context);
            verdict.accept(loader);
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("Tomcat did not start or stop", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
